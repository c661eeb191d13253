import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Greedy generation through Tokenizer + Generator + LlamaModel equals llama.cpp's on SmolLM2
/// (Data/greedy-smollm2.json), up to the first step where llama.cpp's own top two logits are
/// within 0.1 of each other.
struct GreedyGenerationTests {
    @Test func smolLM2GreedyMatchesLlamaCpp() throws {
        let greedy = try GenerationReferenceDataTests.load("greedy-smollm2.json", as: GenerationReferenceDataTests.Greedy.self)
        let gguf = try GGUFFile(path: TestModels.smolLM2())
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        let model = try LlamaModel(gguf: gguf, contextLength: 512, threads: ProcessInfo.processInfo.activeProcessorCount)
        var options = SamplingOptions()
        options.temperature = 0
        var checked = 0
        for p in greedy.prompts {
            let clear = p.steps.firstIndex { $0.top1 - $0.top2 < 0.1 } ?? p.steps.count
            // The generator stops at an end-of-generation token without keeping it.
            let expected = Array(p.steps.prefix(clear).map(\.id).prefix { !tokenizer.isEndOfGeneration($0) })
            let generator = Generator(model: model, tokenizer: tokenizer)
            options.numPredict = expected.count
            _ = try generator.generate(prompt: tokenizer.encode(p.prompt), options: options) { _ in }
            let got = Array(generator.cached.dropFirst(p.promptIds.count))
            let agree = zip(got, expected).prefix { $0 == $1 }.count
            #expect(agree == expected.count, "prompt \(checked): \(agree) of \(expected.count) agree; got \(got), expected \(expected)")
            checked += 1
        }
        #expect(checked >= 6)
    }
}
