import Foundation
import Testing
import TestSupport
import Builder
import Runtime

/// Whole-file SHA-256 of llama-quantize's SmolLM2 outputs (Tests/Fixtures/quantize).
private func llamaQuantizeHashes() throws -> [String: String] {
    let text = try String(contentsOfFile: Golden.repositoryRoot + "/Tests/Fixtures/quantize/smollm2-llama-quantize-sha256.txt", encoding: .utf8)
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let f = line.split(separator: " ")
        if f.count == 2 { result[String(f[0])] = String(f[1]) }
    }
    return result
}

private func sha256Hex(ofFileAt path: String) throws -> String {
    let file = try MappedFile(path: path)
    var hasher = SHA256()
    hasher.update(file.bytes)
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}

/// mfc's dequantize of the shipped Q4_1 to F16, then quantize to each type, writes the very file
/// llama-quantize writes: same tensor order, metadata, per-tensor types and block bytes.
@Test func quantizedSmolLM2FilesAreByteIdenticalToLlamaQuantize() throws {
    let hashes = try llamaQuantizeHashes()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-quantize-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    let f16Path = dir + "/F16.gguf"
    try GGUFQuantizer.quantize(GGUFFile(path: TestModels.smolLM2()), to: .f16, outputPath: f16Path, threads: 2)
    #expect(try sha256Hex(ofFileAt: f16Path) == hashes["F16"])
    let f16 = try GGUFFile(path: f16Path)
    for fileType in [QuantizationFileType.q5_0, .q3_K_S, .q3_K_L, .q4_K_S, .q4_K_M, .q5_K_M] {
        let path = dir + "/\(fileType.rawValue).gguf"
        try GGUFQuantizer.quantize(f16, to: fileType, outputPath: path, threads: 2)
        #expect(try sha256Hex(ofFileAt: path) == hashes[fileType.rawValue], "\(fileType.rawValue) differs from llama-quantize's file")
        try FileManager.default.removeItem(atPath: path)
    }
}
