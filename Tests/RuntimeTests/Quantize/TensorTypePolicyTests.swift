import Foundation
import Testing
import TestSupport
@testable import Runtime

/// llama-quantize's per-tensor choices for SmolLM2 (Tests/Fixtures/quantize), grouped as
/// fileType → tensor type → names.
private func llamaQuantizeTypes() throws -> [String: [String: GGMLType]] {
    let text = try String(contentsOfFile: QuantizeFixtures.directory + "/smollm2-llama-quantize-types.txt", encoding: .utf8)
    var result: [String: [String: GGMLType]] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count >= 3, let type = GGMLType.allCases.first(where: { $0.name == fields[1] }) else { continue }
        for name in fields[2...] { result[fields[0], default: [:]][name] = type }
    }
    return result
}

@Test(arguments: QuantizationFileType.allCases)
func policyMatchesLlamaQuantizeOnSmolLM2(_ fileType: QuantizationFileType) throws {
    let file = try GGUFFile(path: TestModels.smolLM2())
    let expected = try #require(try llamaQuantizeTypes()[fileType.rawValue], "no reference for \(fileType.rawValue)")
    let tensors = file.tensors.map { TensorTypePolicy.Tensor(name: $0.name, dimensions: $0.dimensions, type: $0.type) }
    let planned = TensorTypePolicy.plan(tensors, fileType: fileType, facts: QuantizationModelFacts(file))
    // The shipped model's quantized tensors are Q4_1/Q8_0 where llama-quantize's source was F16; only
    // tensors the policy leaves alone keep their source type, and those are F32 in both.
    let mismatches = zip(tensors, planned).filter { expected[$0.0.name] != $0.1 }
        .map { "\($0.0.name): \($0.1.name), llama-quantize \(expected[$0.0.name]?.name ?? "none")" }
    #expect(expected.count == tensors.count)
    #expect(mismatches.isEmpty, "\(mismatches.count) differ: \(mismatches.prefix(6))")
}

@Test func fileTypeNamesParseCaseInsensitivelyWithAliases() {
    #expect(QuantizationFileType(name: "q4_k_m") == .q4_K_M)
    #expect(QuantizationFileType(name: "Q4_K") == .q4_K_M)
    #expect(QuantizationFileType(name: "bf16") == .bf16)
    #expect(QuantizationFileType(name: "q4_k_x") == nil)
    #expect(QuantizationFileType.q4_K_M.fileTypeValue == 15 && QuantizationFileType.bf16.fileTypeValue == 32)
}

@Test func llamaCppOrderSortsByBlockNumberThenName() {
    let names = ["blk.10.attn_q.weight", "token_embd.weight", "blk.2.ffn_up.weight", "blk.2.attn_k.weight", "output_norm.weight"]
    let order = TensorTypePolicy.llamaCppOrder(names).map { names[$0] }
    #expect(order == ["output_norm.weight", "token_embd.weight", "blk.2.attn_k.weight", "blk.2.ffn_up.weight", "blk.10.attn_q.weight"])
}

@Test func fallbackFollowsLlamaCpp() {
    #expect(TensorTypePolicy.fallbackType(.q4_K, rowLength: 576) == .q5_0)
    #expect(TensorTypePolicy.fallbackType(.q5_K, rowLength: 576) == .q5_1)
    #expect(TensorTypePolicy.fallbackType(.q6_K, rowLength: 576) == .q8_0)
    #expect(TensorTypePolicy.fallbackType(.q3_K, rowLength: 576) == .q4_0)
    #expect(TensorTypePolicy.fallbackType(.q6_K, rowLength: 100) == .f16)
    #expect(TensorTypePolicy.fallbackType(.q4_K, rowLength: 1536) == .q4_K)
}
