import Foundation
import Testing
import TestSupport
@testable import Runtime

/// SmolLM2 dequantized to F16 by mfc, shared by the tests below (made once, 0.5 s).
enum SmolLM2F16 {
    static let result: Result<GGUFFile, any Error> = Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-smollm2-f16-\(getpid()).gguf").path
        try GGUFQuantizer.quantize(GGUFFile(path: TestModels.smolLM2()), to: .f16, outputPath: path, threads: 2)
        let file = try GGUFFile(path: path)
        unlink(path)   // the mapping keeps the data alive
        return file
    }
    static func file() throws -> GGUFFile { try result.get() }
}

/// llama-quantize's RMSE per tensor group: fileType → group → RMSE.
private func referenceRMSE() throws -> [String: [String: Double]] {
    let text = try String(contentsOfFile: QuantizeFixtures.directory + "/smollm2-llama-quantize-rmse.txt", encoding: .utf8)
    var result: [String: [String: Double]] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let f = line.split(separator: " ")
        if f.count == 3, let v = Double(f[2]) { result[String(f[0]), default: [:]][String(f[1])] = v }
    }
    return result
}

/// "blk.3.attn_q.weight" → "attn_q"; "token_embd.weight" → "token_embd".
private func tensorGroup(_ name: String) -> String {
    var parts = name.split(separator: ".").map(String.init)
    if parts.first == "blk", parts.count > 2 { parts.removeFirst(2) }
    if parts.last == "weight" { parts.removeLast() }
    return parts.joined(separator: ".")
}

/// Quality on real tensors: quantize mfc's F16 SmolLM2 with the file type's per-tensor types, dequantize,
/// and compare each group's RMSE with llama-quantize's (tolerance 1%, per the issue).
@Test(arguments: [QuantizationFileType.q4_0, .q5_1, .q8_0, .q2_K, .q3_K_M, .q4_K_M, .q5_K_S, .q6_K])
func rmseOnSmolLM2MatchesLlamaQuantize(_ fileType: QuantizationFileType) throws {
    let f16 = try SmolLM2F16.file()
    let expected = try #require(try referenceRMSE()[fileType.rawValue])
    let tensors = f16.tensors.map { TensorTypePolicy.Tensor(name: $0.name, dimensions: $0.dimensions, type: $0.type) }
    let targets = TensorTypePolicy.plan(tensors, fileType: fileType, facts: QuantizationModelFacts(f16))
    var sums: [String: (squared: Double, count: Int)] = [:]
    for (tensor, target) in zip(f16.tensors, targets) where tensor.dimensions.count >= 2 && target != tensor.type {
        let n = tensor.elementCount
        let quantized = UnsafeMutableRawBufferPointer.allocate(byteCount: tensor.byteCount, alignment: 64)   // F16 is the upper bound
        let original = UnsafeMutablePointer<Float>.allocate(capacity: n), restored = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { quantized.deallocate(); original.deallocate(); restored.deallocate() }
        GGUFQuantizer.convertTensor(tensor, f16.data(of: tensor), to: target, into: quantized, threads: 2)
        readAsFloat(.f16, try #require(f16.data(of: tensor).baseAddress), count: n, into: original)
        #expect(dequantizeRow(target, UnsafeRawPointer(try #require(quantized.baseAddress)), restored, count: n))
        var squared = 0.0
        for i in 0..<n { let d = Double(restored[i]) - Double(original[i]); squared += d * d }
        let group = tensorGroup(tensor.name)
        sums[group] = ((sums[group]?.squared ?? 0) + squared, (sums[group]?.count ?? 0) + n)
    }
    #expect(Set(sums.keys) == Set(expected.keys))
    for (group, sum) in sums.sorted(by: { $0.key < $1.key }) {
        let rmse = (sum.squared / Double(sum.count)).squareRoot(), reference = expected[group] ?? .nan
        let relative = abs(rmse - reference) / reference
        #expect(relative < 0.01, "\(fileType.rawValue) \(group): RMSE \(rmse) vs llama-quantize \(reference) (\(relative * 100)%)")
    }
}
