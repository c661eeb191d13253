import Foundation
import Testing
import TestSupport
@testable import Runtime

// Properties of the forward pass that hold for every model, checked on both real models:
// the batched path equals token-by-token decoding, the thread count does not change results,
// truncating the cache equals recomputing, and bad requests throw instead of trapping.

struct ModelCase: Sendable, CustomTestStringConvertible {
    let name: String
    let path: @Sendable () throws -> String
    var testDescription: String { name }
    static let all = [ModelCase(name: "SmolLM2", path: TestModels.smolLM2), ModelCase(name: "Gemma 3", path: TestModels.gemma3)]
}

/// A fixed, model-independent token sequence inside the vocabulary.
private func tokens(_ count: Int, vocabulary: Int, seed: Int = 0) -> [Int32] {
    (0..<count).map { Int32(($0 * 7919 + 104_729 * seed + 31) % min(vocabulary, 32_000) + 3) }
}

/// Logits of 12 tokens from one call (split into batches of 5, so kernel tiles of 4 and remainders
/// of 1) on 2 threads equal those of 12 single-token calls on 1 thread: per-token arithmetic is identical.
@Test(arguments: ModelCase.all)
func batchedPromptEqualsTokenByToken(_ m: ModelCase) throws {
    let gguf = try GGUFFile(path: m.path())
    let batched = try LlamaModel(gguf: gguf, contextLength: 64, threads: 2, batchSize: 5)
    let ids = tokens(12, vocabulary: batched.config.vocabularySize)
    let vocab = batched.config.vocabularySize
    let all = try batched.forward(tokens: ids, startPosition: 0, allLogits: true)
    let single = try LlamaModel(gguf: gguf, contextLength: 64, threads: 1, batchSize: 1)
    var maxDiff: Float = 0
    for (i, id) in ids.enumerated() {
        let logits = try single.forward(tokens: [id], startPosition: i)
        for j in 0..<vocab { maxDiff = max(maxDiff, abs(logits[j] - all[i * vocab + j])) }
    }
    #expect(maxDiff == 0, "max |Δlogit| \(maxDiff)")
    let finite = all.allSatisfy { $0.isFinite }
    #expect(finite)
}

/// Truncating the cache and continuing equals a fresh run over the same tokens.
@Test(arguments: ModelCase.all)
func truncatedCacheEqualsFreshRun(_ m: ModelCase) throws {
    let model = try LlamaModel(gguf: GGUFFile(path: m.path()), contextLength: 32, threads: 2, batchSize: 8)
    let vocab = model.config.vocabularySize
    let a = tokens(6, vocabulary: vocab), b = tokens(5, vocabulary: vocab, seed: 1), c = tokens(4, vocabulary: vocab, seed: 2)
    _ = try model.forward(tokens: a + b, startPosition: 0)
    model.truncate(to: a.count)
    #expect(model.cachedCount == a.count)
    let continued = try model.forward(tokens: c, startPosition: a.count)
    model.reset()
    let fresh = try model.forward(tokens: a + c, startPosition: 0)
    #expect(continued == fresh)
}

/// Out-of-range ids, a start past the cache and a full context throw ModelError.
@Test func badRequestsThrow() throws {
    let model = try LlamaModel(gguf: GGUFFile(path: TestModels.smolLM2()), contextLength: 4, threads: 1, batchSize: 4)
    #expect(throws: ModelError.self) { try model.forward(tokens: [Int32(model.config.vocabularySize)], startPosition: 0) }
    #expect(throws: ModelError.self) { try model.forward(tokens: [-1], startPosition: 0) }
    #expect(throws: ModelError.self) { try model.forward(tokens: [1], startPosition: 1) }
    #expect(throws: ModelError.self) { try model.forward(tokens: [1, 2, 3, 4, 5], startPosition: 0) }
    #expect(throws: ModelError.self) { try model.forward(tokens: [], startPosition: 0) }
    _ = try model.forward(tokens: [1, 2, 3, 4], startPosition: 0)
    #expect(model.cachedCount == 4)
}

/// The metadata mapping reads the facts models.md lists for both models.
@Test func configFromMetadata() throws {
    let smol = try LlamaConfig(gguf: GGUFFile(path: TestModels.smolLM2()))
    #expect(smol.family == .llama && !smol.ropeIsNeoX)
    let smolShape = [smol.layerCount, smol.embeddingLength, smol.feedForwardLength, smol.headCount, smol.kvHeadCount, smol.headDimension]
    #expect(smolShape == [30, 576, 1536, 9, 3, 64])
    #expect(smol.ropeBase == 100_000 && smol.vocabularySize == 49152 && smol.slidingWindow == 0)
    let gemma = try LlamaConfig(gguf: GGUFFile(path: TestModels.gemma3()))
    #expect(gemma.family == .gemma3 && gemma.ropeIsNeoX)
    let gemmaShape = [gemma.layerCount, gemma.embeddingLength, gemma.feedForwardLength, gemma.headCount, gemma.kvHeadCount, gemma.headDimension]
    #expect(gemmaShape == [18, 640, 2048, 4, 1, 256])
    #expect(gemma.ropeBase == 1_000_000 && gemma.ropeBaseLocal == 10_000 && gemma.slidingWindow == 512)
    #expect(gemma.isSlidingWindowLayer(0) && !gemma.isSlidingWindowLayer(5) && gemma.isSlidingWindowLayer(6))
}


/// An absurd num_ctx is refused before anything is allocated.
@Test func hugeContextIsRefused() throws {
    let gguf = try GGUFFile(path: TestModels.smolLM2())
    #expect(throws: ModelError.self) { try LlamaModel(gguf: gguf, contextLength: Int.max / 2, threads: 1) }
}
