import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Greedy generation through Tokenizer + Generator + LlamaModel equals llama.cpp's on SmolLM2
/// (Data/greedy-smollm2.json) for at least 32 tokens on at least 6 of the 8 prompts, each compared
/// up to the first step where llama.cpp's own top two logits are within 0.1 of each other (the
/// issue's criterion). llama.cpp itself is noisier than that: its batched and incremental paths
/// pick different tokens at gaps up to 0.27 (Data/teacher-forcing-smollm2.json), so an
/// occasional early divergence is reported, not fatal.
struct GreedyGenerationTests {
    @Test func smolLM2GreedyMatchesLlamaCpp() throws {
        let greedy = try GenerationReferenceDataTests.load("greedy-smollm2.json", as: GenerationReferenceDataTests.Greedy.self)
        let gguf = try GGUFFile(path: TestModels.smolLM2())
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        let model = try LlamaModel(gguf: gguf, contextLength: 512, threads: ProcessInfo.processInfo.activeProcessorCount)
        var options = SamplingOptions()
        options.temperature = 0
        var checked = 0
        var matching = 0
        for p in greedy.prompts {
            let clear = p.steps.firstIndex { $0.top1 - $0.top2 < 0.1 } ?? p.steps.count
            // The generator stops at an end-of-generation token without keeping it.
            let expected = Array(p.steps.prefix(clear).map(\.id).prefix { !tokenizer.isEndOfGeneration($0) })
            let generator = Generator(model: model, tokenizer: tokenizer)
            options.numPredict = expected.count
            _ = try generator.generate(prompt: tokenizer.encode(p.prompt), options: options) { _ in }
            let got = Array(generator.cached.dropFirst(p.promptIds.count))
            let agree = zip(got, expected).prefix { $0 == $1 }.count
            if agree == expected.count && agree >= 32 {
                matching += 1
            } else {
                let gap = p.steps.indices.contains(agree) ? p.steps[agree].top1 - p.steps[agree].top2 : 0
                print("greedy prompt \(checked): \(agree) of \(expected.count) ids agree (llama.cpp's top-2 gap there: \(gap))")
            }
            checked += 1
        }
        #expect(checked >= 6)
        #expect(matching >= 6, "only \(matching) of \(checked) prompts match llama.cpp's greedy ids")
    }
}
