import Foundation
import Testing
import TestSupport
import ModelfileLang
@testable import Builder
import Runtime

/// Tiny phi3, qwen2, mistral, gemma3 (also as Gemma3ForConditionalGeneration), llama, gemma and gemma2 checkpoints converted once by llama.cpp's convert_hf_to_gguf.py
/// (scripts/reference/make-import-reference.py): mfc's import of the same folders must write every
/// metadata key llama.cpp wrote, with the same type and value (arrays by count and SHA-256), and the
/// same tensors (names, dimensions, types).
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    let name: String
    var testDescription: String { name }
    static let all = ["phi3", "qwen2", "mistral", "gemma3", "gemma3-mm", "llama", "gemma", "gemma2"].map(ReferenceCase.init)
}

/// Provenance keys llama.cpp derives from the folder name and parameter count.
private let provenanceKeys: Set = ["general.type", "general.name", "general.size_label", "general.quantization_version"]
/// Keys mfc may write beyond llama.cpp's: special token ids it resolves from tokenizer_config.json's
/// token texts even without a tokenizer.json (llama.cpp then reads only config.json's integer ids).
private let allowedExtraKeys: Set = ["tokenizer.ggml.unknown_token_id", "tokenizer.ggml.eos_token_id"]

@Test(arguments: ReferenceCase.all)
func importMatchesLlamaCppConverter(_ c: ReferenceCase) throws {
    let fixture = Golden.repositoryRoot + "/Tests/Fixtures/import/reference/" + c.name
    let dir = temporaryDirectory("mfc-reference-\(c.name)")
    defer { cleanup(dir) }
    try ReferenceCheckpoint.write(c.name, to: dir, values: ReferenceCheckpoint.ramp)
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")
    let reference = try json(fixture + "/llama.cpp.json")

    var expectedKeys = Set<String>()
    for (key, expected) in try #require(reference["metadata"]?.objectValue) where !provenanceKeys.contains(key) {
        expectedKeys.insert(key)
        let actual = g[key]
        #expect(describe(actual) == describe(expected), "\(key)")
    }
    let extra = Set(g.metadata.map(\.key)).subtracting(expectedKeys).subtracting(provenanceKeys).subtracting(allowedExtraKeys)
    #expect(extra.isEmpty, "keys llama.cpp does not write: \(extra.sorted())")

    let expectedTensors = try #require(reference["tensors"]?.arrayValue).compactMap { t -> String? in
        guard let parts = t.arrayValue, parts.count == 3, let name = parts[0].stringValue, let type = parts[2].stringValue,
              let dims = parts[1].arrayValue?.compactMap(\.intValue) else { return nil }
        return "\(name) \(dims) \(type)"
    }
    let actualTensors = g.tensors.map { "\($0.name) \($0.dimensions) \(String(describing: $0.type).lowercased())" }
    #expect(actualTensors.sorted() == expectedTensors.sorted())
}

/// Phi-3's RoPE factors are written as given in config.json.
@Test func phi3RopeFactorsComeFromConfig() throws {
    let fixture = Golden.repositoryRoot + "/Tests/Fixtures/import/reference/phi3"
    let config = try json(fixture + "/config.json")
    let tensors = try RopeScaling.phi3FactorTensors(config: config, ropeDimensions: 16)
    #expect(tensors.map(\.name) == ["rope_factors_long.weight", "rope_factors_short.weight"])
    #expect(tensors.first?.values == config["rope_scaling"]?["long_factor"]?.arrayValue?.compactMap(\.doubleValue).map(Float.init))
    #expect(throws: StoreError.self) { try RopeScaling.phi3FactorTensors(config: config, ropeDimensions: 32) }
    #expect(try RopeScaling.phi3FactorTensors(config: .object([]), ropeDimensions: 16).isEmpty)
    #expect(RopeScaling.phi3RopeDimensions(config) == 16)   // 64 / 4 heads
    let phi4 = JSONValue.object([("hidden_size", .int(3072)), ("num_attention_heads", .int(24)), ("partial_rotary_factor", .float64(0.75))])
    #expect(RopeScaling.phi3RopeDimensions(phi4) == 96)     // Phi-4-mini: 3/4 of 128
}

private func json(_ path: String) throws -> JSONValue {
    try ReferenceCheckpoint.readJSON(path)
}

/// One metadata value in the reference's shape: "type value", arrays as "array element count sha256".
private func describe(_ value: GGUFValue?) -> String {
    switch value {
    case nil: return "absent"
    case .array(let a)?:
        return "array \(String(describing: a.elementType).lowercased()) \(a.count) \(Digest.of(a.rawBytes).hex)"
    case .string(let s)?: return "string \(s)"
    case .bool(let b)?: return "bool \(b)"
    case .float32(let f)?: return "float32 \(f)"
    case let v?: return "\(String(describing: v.type).lowercased()) \(v.int.map(String.init) ?? "?")"
    }
}

private func describe(_ expected: JSONValue) -> String {
    let type = expected["type"]?.stringValue ?? "?"
    switch type {
    case "array":
        return "array \(expected["element"]?.stringValue ?? "?") \(expected["count"]?.intValue ?? -1) \(expected["sha256"]?.stringValue ?? "?")"
    case "string": return "string \(expected["value"]?.stringValue ?? "?")"
    case "bool": return "bool \(expected["value"] == .bool(true))"
    case "float32": return "float32 \(Float(expected["value"]?.doubleValue ?? .nan))"
    default: return "\(type) \(expected["value"]?.intValue.map(String.init) ?? "?")"
    }
}
