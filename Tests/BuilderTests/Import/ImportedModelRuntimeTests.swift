import Foundation
import Testing
import TestSupport
@testable import Builder
import Runtime

/// The runtime on imported architectures beside SmolLM2 and Gemma 3: the tiny qwen2 (Q/K/V biases, NeoX
/// RoPE, tied output, 4 heads over 2 KV heads) and mistral (grouped-query attention, separate output)
/// checkpoints with hashed weights, imported in-process to F16 GGUFs exactly as
/// scripts/reference/make-runtime-reference.py imported them with mfc for llama.cpp (llama-ref argmax).
/// Every position's logits, from one batched forward pass, must match llama.cpp's top two within
/// `logitTolerance`, and the argmax must be llama.cpp's wherever its own top two are further apart than that.
struct ImportedRuntimeCase: Sendable, CustomTestStringConvertible {
    let name: String
    var testDescription: String { name }
    static let all = ["qwen2", "mistral"].map(ImportedRuntimeCase.init)
}

/// Measured: 1.6e-4 on both (logits around 0.2 to 1); F16 dot products round their activations differently.
private let logitTolerance: Float = 1e-3

@Test(arguments: ImportedRuntimeCase.all)
func importedModelLogitsMatchLlamaCpp(_ c: ImportedRuntimeCase) throws {
    let dir = temporaryDirectory("mfc-runtime-\(c.name)")
    defer { cleanup(dir) }
    try ReferenceCheckpoint.write(c.name, to: dir, values: ReferenceCheckpoint.hashed)
    try SafetensorsImporter.importFolder(dir, to: dir + "/model.gguf")
    let reference = try ReferenceCheckpoint.readJSON(Golden.repositoryRoot + "/Tests/Fixtures/import/runtime/\(c.name).json")
    func numbers(_ key: String) -> [Double] { reference[key]?.arrayValue?.compactMap(\.doubleValue) ?? [] }
    let ids = numbers("ids").map { Int($0) }, argmax = numbers("argmax").map { Int($0) }
    let top1 = numbers("top1").map(Float.init), top2 = numbers("top2").map(Float.init)
    #expect(ids.count == 20 && argmax.count == ids.count && top1.count == ids.count && top2.count == ids.count)

    let model = try LlamaModel(gguf: GGUFFile(path: dir + "/model.gguf"), contextLength: 64, threads: 2, batchSize: 32)
    let vocab = model.config.vocabularySize
    let logits = try model.forward(tokens: ids.map(Int32.init), startPosition: 0, allLogits: true)
    var worst: Float = 0, mismatches: [String] = []
    for i in ids.indices where i < argmax.count && i < top1.count && i < top2.count {
        let row = logits[i * vocab ..< (i + 1) * vocab]
        let best = row.indices.max { row[$0] < row[$1] } ?? row.startIndex
        let second = row.indices.filter { $0 != best }.max { row[$0] < row[$1] } ?? row.startIndex
        worst = max(worst, abs(row[best] - top1[i]), abs(row[second] - top2[i]))
        if best - row.startIndex != argmax[i] && top1[i] - top2[i] > logitTolerance {
            mismatches.append("pos \(i): ours \(best - row.startIndex), llama.cpp \(argmax[i]) (gap \(top1[i] - top2[i]))")
        }
    }
    print("\(c.name): largest top-2 logit difference from llama.cpp \(worst)")
    #expect(worst <= logitTolerance, "\(c.name): top logits differ from llama.cpp by up to \(worst)")
    #expect(mismatches.isEmpty, "\(mismatches)")
}
