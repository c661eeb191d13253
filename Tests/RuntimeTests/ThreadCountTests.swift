import Foundation
import Testing
import ModelTestSupport
import TestSupport
@testable import Runtime

/// Any thread count computes the same thing as one thread: the splits over workers (matrix rows,
/// attention pairs, key positions) only change who computes a value, never how. Models with their own
/// threads share one copy of the weights (`LlamaModel(sharingWeightsOf:)`), so the sweep loads once.
struct ThreadCountTests {
    /// The greedy continuation of `prompt`: `steps` argmax ids, each fed back.
    static func greedy(_ model: LlamaModel, _ prompt: [Int32], steps: Int) throws -> [Int32] {
        var ids: [Int32] = []
        var logits = try model.forward(tokens: prompt, startPosition: 0)
        for _ in 0..<steps {
            let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            ids.append(next)
            logits = try model.forward(tokens: [next], startPosition: model.cachedCount)
        }
        return ids
    }

    static func sweep(_ path: String, threads: [Int], promptText: String, steps: Int) throws {
        let gguf = try GGUFFile(path: path)
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        let prompt = tokenizer.encode(promptText).map(Int32.init)
        let one = try LlamaModel(gguf: gguf, contextLength: prompt.count + steps + 1, threads: 1)
        let expected = try greedy(one, prompt, steps: steps)
        for n in threads {
            let model = try LlamaModel(sharingWeightsOf: one, contextLength: prompt.count + steps + 1, threads: n)
            #expect(try greedy(model, prompt, steps: steps) == expected, "\(n) threads, prompt of \(prompt.count) tokens")
        }
    }

    /// The crash: SmolLM2 has 9 heads, so 6, 7, 8, 11, 12, 16, ... threads left a worker without
    /// head pairs; every count from 1 to 64 must give 1 thread's tokens.
    @Test func smolLM2GivesTheSameTokensAtEveryThreadCount() throws {
        try Self.sweep(TestModels.smolLM2(), threads: Array(2...64), promptText: "The capital of France is", steps: 3)
    }

    @Test func gemma3GivesTheSameTokensAtEveryThreadCount() throws {
        try Self.sweep(TestModels.gemma3(), threads: Array(2...64), promptText: "The capital of France is", steps: 3)
    }

    /// A prompt of 64 tokens or more takes the tiled attention path, whose key transposition is split too.
    @Test func longPromptsGiveTheSameTokensAtOddThreadCounts() throws {
        let text = String(repeating: "one two three four five six seven eight nine ten ", count: 8)
        try Self.sweep(TestModels.smolLM2(), threads: [2, 3, 7, 9, 13, 64], promptText: text, steps: 1)
    }

    /// Every count from 1 to 256 on a model with 2 heads and 1 KV head (far fewer pieces than threads).
    @Test func aTinyModelGivesTheSameLogitsAtEveryThreadCountUpTo256() throws {
        let gguf = try TinyModel().file()
        let one = try LlamaModel(gguf: gguf, contextLength: 80, threads: 1)
        let prompt = (0..<70).map { Int32($0 % 32) }
        let expected = try one.forward(tokens: prompt, startPosition: 0)
        for n in 2...256 {
            let model = try LlamaModel(sharingWeightsOf: one, contextLength: 80, threads: n)
            #expect(try model.forward(tokens: prompt, startPosition: 0) == expected, "\(n) threads")
        }
    }
}
