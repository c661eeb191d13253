import KernelInterface
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one quantization run did.
package struct QuantizeSummary: Sendable {
    /// Per tensor in output order: name, source type, written type.
    package var tensors: [(name: String, from: GGMLType, to: GGMLType)]
    package var inputTensorBytes: Int
    package var outputTensorBytes: Int
}

/// Converts a whole GGUF model to a quantization file type, the way llama-quantize does without an
/// importance matrix: same per-tensor types, same tensor order and metadata edits, and block bytes from
/// ggml's reference quantizers, so the output file is byte-identical to llama-quantize's.
package enum GGUFQuantizer {
    /// Writes `input` converted to `fileType` at `outputPath` (through a temporary file and rename).
    /// - Parameters:
    ///   - threads: worker count; 0 means one per core.
    ///   - allowRequantize: permit converting already block-quantized tensors to another block type
    ///     (loses quality); dequantizing them to F32/F16/BF16 needs no permission.
    /// - Returns: the per-tensor types and byte counts.
    /// - Throws: `QuantizeError` for an already-quantized tensor without `allowRequantize`, a source type
    ///   that cannot be converted, or an I/O failure.
    @discardableResult
    package static func quantize(
        _ input: GGUFFile, to fileType: QuantizationFileType, outputPath: String,
        threads: Int = 0, allowRequantize: Bool = false
    ) throws(QuantizeError) -> QuantizeSummary {
        let order = TensorTypePolicy.llamaCppOrder(input.tensors.map(\.name))
        let sources = order.map { input.tensors[$0] }
        let targets = TensorTypePolicy.plan(
            sources.map { TensorTypePolicy.Tensor(name: $0.name, dimensions: $0.dimensions, type: $0.type) },
            fileType: fileType, facts: QuantizationModelFacts(input))
        var outputs: [GGUFOutputTensor] = []
        for (source, target) in zip(sources, targets) {
            if source.type != target {
                // Dequantizing to a float type loses nothing more, so only block-to-block needs the flag.
                guard source.type.blockSize == 1 || target.blockSize == 1 || allowRequantize else {
                    throw QuantizeError("tensor '\(source.name)' is already quantized (\(source.type.name)); requantizing to \(target.name) loses quality, so it needs --allow-requantize")
                }
                guard canReadAsFloat(source.type) else {
                    throw QuantizeError("tensor '\(source.name)' has type \(source.type.name), which mfc cannot convert")
                }
            }
            guard let rowBytes = target.rowBytes(elements: source.dimensions.first ?? 0) else {
                throw QuantizeError("tensor '\(source.name)' rows of \(source.dimensions.first ?? 0) are not whole \(target.name) blocks")
            }
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: source.rowCount)
            guard !overflow else { throw QuantizeError("tensor '\(source.name)' would be too large as \(target.name)") }
            outputs.append(GGUFOutputTensor(name: source.name, dimensions: source.dimensions, type: target, byteCount: byteCount))
        }
        let alignment = 32
        let header = GGUFWriter.header(metadata: outputMetadata(input, fileType), tensors: outputs, alignment: alignment)
        let workers = threads > 0 ? threads : max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

        var file = try OutputFile(path: outputPath)
        try file.write(header)
        for (source, output) in zip(sources, outputs) {
            let data = input.data(of: source)
            if source.type == output.type {
                try file.write(data)
            } else {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: output.byteCount, alignment: 64)
                defer { buffer.deallocate() }
                convertTensor(source, data, to: output.type, into: buffer, threads: workers)
                try file.write(UnsafeRawBufferPointer(buffer))
            }
            try file.writeZeros(padded(output.byteCount, to: alignment) - output.byteCount)
        }
        try file.commit()
        return QuantizeSummary(
            tensors: zip(sources, outputs).map { ($0.name, $0.type, $1.type) },
            inputTensorBytes: sources.reduce(0) { $0 + $1.byteCount },
            outputTensorBytes: outputs.reduce(0) { $0 + $1.byteCount })
    }

    /// The input's metadata with general.quantization_version and general.file_type moved to the end,
    /// as llama-quantize's gguf_set_val does, and general.alignment dropped (the output uses 32).
    static func outputMetadata(_ input: GGUFFile, _ fileType: QuantizationFileType) -> [(key: String, value: GGUFValue)] {
        let replaced: Set<String> = ["general.quantization_version", "general.file_type", "general.alignment"]
        return input.metadata.filter { !replaced.contains($0.key) } + [
            ("general.quantization_version", .uint32(2)),
            ("general.file_type", .uint32(fileType.fileTypeValue)),
        ]
    }

    /// Quantizes one tensor, rows split into chunks of at least 16384 values that workers claim in turn.
    static func convertTensor(
        _ source: GGUFTensorInfo, _ data: UnsafeRawBufferPointer, to target: GGMLType,
        into output: UnsafeMutableRawBufferPointer, threads: Int
    ) {
        let rowLength = source.dimensions.first ?? 0, rows = source.rowCount
        guard rowLength > 0, rows > 0, let src = data.baseAddress, let dst = output.baseAddress,
              let inRowBytes = source.type.rowBytes(elements: rowLength),
              let outRowBytes = target.rowBytes(elements: rowLength) else { return }
        let rowsPerChunk = max(1, (16_384 + rowLength - 1) / rowLength)
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        let next = Atomic<Int>(0)
        let job = TensorJob(src: src, dst: dst, inRowBytes: inRowBytes, outRowBytes: outRowBytes)
        // Block formats go through the kernel variant for this CPU (the Runtime is compiled for baseline x86-64).
        let kernels = InstructionSet.preferred.kernels, format = BlockFormat(target)
        let work: @Sendable (Int) -> Void = { _ in
            let floats = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerChunk * rowLength)
            defer { floats.deallocate() }
            while true {
                let chunk = next.add(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { break }
                let first = chunk * rowsPerChunk, count = min(rowsPerChunk, rows - first)
                readAsFloat(source.type, job.src + first * job.inRowBytes, count: count * rowLength, into: floats)
                if let format {
                    kernels.quantizeBlocks(format, floats, count * rowLength, job.dst + first * job.outRowBytes)
                } else {
                    quantizeCheckedRow(target, floats, count: count * rowLength, into: job.dst + first * job.outRowBytes)
                }
            }
        }
        let workers = min(threads, chunks)
        if workers <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
    }
}

/// Raw pointers a tensor's workers share; each worker writes disjoint rows.
private struct TensorJob: @unchecked Sendable {
    let src: UnsafeRawPointer
    let dst: UnsafeMutableRawPointer
    let inRowBytes: Int
    let outRowBytes: Int
}

/// Source types the quantizer can read as floats: the float encodings, and every block type the
/// runtime dequantizes (ggml's dequantize_row_* arithmetic, so requantized bytes match llama.cpp's).
func canReadAsFloat(_ type: GGMLType) -> Bool {
    supportedWeightTypes.contains(type)
}

/// Converts `count` values of a `canReadAsFloat` type to Float.
package func readAsFloat(_ type: GGMLType, _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    switch type {
    case .f32:
        for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    case .f16:
        InstructionSet.preferred.kernels.widenHalves(src, count, dst)
    case .bf16:
        for i in 0..<count { dst[i] = bfloat16ToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
    default:
        if !dequantizeRow(type, src, dst, count: count) { dst.initialize(repeating: 0, count: count) }
    }
}
