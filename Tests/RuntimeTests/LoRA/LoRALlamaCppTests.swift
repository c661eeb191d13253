import Foundation
import Testing
import TestSupport
@testable import Runtime

/// llama.cpp's logits on SmolLM2 with GGUF LoRA adapters written by the `gguf` Python package
/// (Data/lora-smollm2*.{gguf,json}, scripts/reference/make-lora-reference.py): adapter A mixes F16,
/// Q8_0 and F32 halves and ranks 4 and 2 (alpha 8); B has no alpha (so the user scale is used alone)
/// and is stacked on A at scale 0.5. Both mfc and llama.cpp add B·(A·x) beside every adapted matmul.
struct LoRALlamaCppTests {
    struct Reference: Decodable {
        struct Step: Decodable { let id: Int; let top1: Float; let top2: Float }
        struct Run: Decodable { let adapters: String; let steps: [Step] }
        let ids: [Int32]
        let runs: [Run]
    }

    static func data(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data/\(name)").path
    }

    /// Our logits for every position of `ids` with `adapters` (file, scale) applied beside the base matrices.
    static func logits(_ ids: [Int32], adapters: [(String, Float)]) throws -> [Float] {
        let list = try adapters.map { LoRAAdapter(file: try GGUFFile(path: data($0.0)), scale: $0.1) }
        let model = try LlamaModel(gguf: GGUFFile(path: TestModels.smolLM2()), contextLength: 64, threads: 2, adapters: list)
        return try model.forward(tokens: ids, startPosition: 0, allLogits: true)
    }

    /// llama.cpp and mfc differ by about 0.2 RMS even without adapters (activations are rounded to int8 for
    /// the Q4_1 matmuls, and the random adapters make the model chaotic), so the test asks two things:
    /// each configuration is within 0.4 RMS of llama.cpp's, and a wrong one (an adapter missing, or B at
    /// scale 1 instead of 0.5) is at least three times further away, so the conventions are checked.
    @Test func stackedGGUFLoRAsGiveLlamaCppsLogits() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: Self.data("lora-smollm2.json"))))
        let a = "lora-smollm2-a.gguf", b = "lora-smollm2-b.gguf"
        let configurations: [String: [(String, Float)]] = ["base": [], "a": [(a, 1)], "a+b": [(a, 1), (b, 0.5)], "a+b@1": [(a, 1), (b, 1)]]
        var ours: [String: [Float]] = [:]
        for (name, adapters) in configurations { ours[name] = try Self.logits(reference.ids, adapters: adapters) }

        /// RMS over positions of (our logit − llama.cpp's) at llama.cpp's argmax.
        func rms(_ mine: String, _ theirs: String) -> Float {
            guard let logits = ours[mine], let steps = reference.runs.first(where: { $0.adapters == theirs })?.steps,
                  steps.count == reference.ids.count else { return .infinity }
            let vocab = logits.count / reference.ids.count
            let squares = steps.enumerated().map { p, s in let d = logits[p * vocab + s.id] - s.top1; return d * d }
            return (squares.reduce(0, +) / Float(squares.count)).squareRoot()
        }
        for run in reference.runs {
            let matched = rms(run.adapters, run.adapters)
            print("LoRA \(run.adapters): RMS |mfc - llama.cpp| = \(matched)")
            #expect(matched < 0.4, "\(run.adapters): RMS \(matched)")
            // Where llama.cpp's choice is clear, mfc picks the same token.
            let logits = try #require(ours[run.adapters]), vocab = logits.count / reference.ids.count
            for (p, step) in run.steps.enumerated() where step.top1 - step.top2 > 0.5 {
                let row = logits[p * vocab ..< (p + 1) * vocab]
                #expect(row.indices.max { row[$0] < row[$1] }.map { $0 - row.startIndex } == step.id, "\(run.adapters) position \(p)")
            }
        }
        for (wrong, theirs, right) in [("base", "a", "a"), ("a", "a+b", "a+b"), ("a+b@1", "a+b", "a+b")] {
            let far = rms(wrong, theirs), near = rms(right, theirs)
            print("LoRA mfc \(wrong) vs llama.cpp \(theirs): RMS \(far)")
            #expect(far > 3 * near, "\(wrong) is \(far) from llama.cpp's \(theirs), \(right) is \(near)")
        }
    }
}
