import Foundation
import Runtime

/// `mfc quantize IN.gguf OUT.gguf TYPE`: the stand-alone form of the build's quantize step, with
/// llama-quantize's per-tensor choices and bytes (used by the quality and speed comparisons).
enum QuantizeCommand: MFCCommand {
    static let info = CommandInfo(
        name: "quantize",
        abstract: "Convert a GGUF model to a quantization type (Q4_K_M, Q8_0, F16, ...).",
        usage: "[--threads N] [--allow-requantize] <input.gguf> <output.gguf> <type>",
        discussion: """
        Types: \(QuantizationFileType.allCases.map(\.rawValue).joined(separator: ", ")) (case-insensitive; Q4_K means Q4_K_M).
        The _S/_M/_L mixtures keep more bits in sensitive tensors exactly as llama-quantize does, and a
        row length that is not a multiple of 256 falls back to a 32-element type.
        """,
        options: [
            OptionSpec(["-t", "--threads"], value: "N", help: "Worker threads (default: one per core)."),
            OptionSpec(["--allow-requantize"], help: "Also convert tensors that are already quantized (loses quality)."),
        ],
        positionals: 3...3)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let (inputPath, outputPath, typeName) = (args.positionals[0], args.positionals[1], args.positionals[2])
        guard let fileType = QuantizationFileType(name: typeName) else {
            throw UsageError("unknown quantization type '\(typeName)'; expected one of \(QuantizationFileType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let threads = try args.value("--threads").map { text throws(UsageError) in try ThreadOption.parse(text) } ?? 0
        let input = try GGUFFile(path: inputPath)
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try GGUFQuantizer.quantize(input, to: fileType, outputPath: outputPath,
                                                 threads: threads, allowRequantize: args.flag("--allow-requantize"))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var counts: [String: Int] = [:]
        for t in summary.tensors { counts[t.to.name, default: 0] += 1 }
        let mix = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        console.stdout.write(String(format: "%@: %d tensors (%@), %.2f MiB -> %.2f MiB in %.3f s\n",
                                    outputPath, summary.tensors.count, mix,
                                    Double(summary.inputTensorBytes) / 1_048_576, Double(summary.outputTensorBytes) / 1_048_576, seconds))
        return ExitStatus.success
    }
}
