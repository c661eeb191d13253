import Foundation
import Testing
import TestSupport
@testable import Runtime

// The quality cost of the quantized KV cache types, as perplexity of SmolLM2 on the committed perplexity
// text (llama-perplexity's scheme: windows of 128 tokens, the second half of each scored). A quantized
// cache is Hadamard-rotated as in llama.cpp (KVRotation.swift); without the rotation q4_0 costs about 20%
// (figures and llama-perplexity's beside them in BENCHMARKS.md, "Quantized KV cache quality").

/// Perplexity of `tokens` with windows of `window` tokens, scoring the second half of each.
private func perplexity(_ model: LlamaModel, _ tokens: [Int32], window: Int = 128) throws -> Double {
    let vocab = model.config.vocabularySize
    var nll = 0.0, count = 0
    for start in stride(from: 0, through: tokens.count - window, by: window) {
        let sequence = try model.makeSequence()
        let chunk = Array(tokens[start..<(start + window)])
        let logits = try model.forward([SequenceStep(sequence: sequence, tokens: chunk, startPosition: 0, allLogits: true)])[0]
        for t in (window / 2)..<(window - 1) {
            let row = logits[(t * vocab)..<((t + 1) * vocab)]
            let top = row.max()!
            let sum = row.reduce(0.0) { $0 + exp(Double($1 - top)) }
            nll -= Double(row[row.startIndex + Int(chunk[t + 1])] - top) - log(sum)
            count += 1
        }
    }
    return exp(nll / Double(count))
}

@Test func quantizedKVCachePerplexity() throws {
    let gguf = try GGUFFile(path: TestModels.smolLM2())
    let text = try String(contentsOfFile: QuantizeFixtures.directory + "/perplexity-text.txt", encoding: .utf8)
    let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
    let tokens = tokenizer.encode(text).map { Int32($0) }
    var figures: [KVCacheType: Double] = [:]
    for type in KVCacheType.allCases {
        let model = try LlamaModel(gguf: gguf, contextLength: 128, threads: 2, kvCacheType: type)
        #expect((model.kvRotation != nil) == (type != .f16))
        figures[type] = try perplexity(model, tokens)
    }
    let unrotated = try LlamaModel(gguf: gguf, contextLength: 128, threads: 2, kvCacheType: .q4_0)
    unrotated.kvRotation = nil
    let q4Plain = try perplexity(unrotated, tokens)
    let f16 = figures[.f16]!, q8 = figures[.q8_0]!, q4 = figures[.q4_0]!
    func change(_ x: Double) -> String { String(format: "%.4f (%+.2f%%)", x, (x / f16 - 1) * 100) }
    print("KV cache perplexity on \(tokens.count) tokens: f16 \(String(format: "%.4f", f16)), q8_0 \(change(q8)), "
          + "q4_0 \(change(q4)), q4_0 without rotation \(change(q4Plain))")
    #expect(f16.isFinite && f16 > 1)
    #expect(abs(q8 / f16 - 1) < 0.005, "q8_0 \(q8) vs f16 \(f16)")
    #expect(abs(q4 / f16 - 1) < 0.03, "q4_0 \(q4) vs f16 \(f16)")
    // The rotation is what brings q4_0 within its bound.
    #expect(q4Plain / f16 - 1 > 0.05, "q4_0 without rotation \(q4Plain) vs f16 \(f16)")
}

/// Decoding with a quantized cache runs the same batched path: sequences decoded together equal alone.
@Test(arguments: [KVCacheType.q8_0, .q4_0])
func quantizedCacheBatchedEqualsAlone(_ type: KVCacheType) throws {
    let model = try LlamaModel(gguf: GGUFFile(path: TestModels.gemma3()), contextLength: 64, threads: 2, kvCacheType: type)
    let vocab = model.config.vocabularySize
    let ids: [[Int32]] = (0..<3).map { i in (0..<(5 + 4 * i)).map { Int32(($0 * 7919 + 104_729 * i + 31) % min(vocab, 32_000) + 3) } }
    let alone = try ids.map { try model.forward([SequenceStep(sequence: try model.makeSequence(), tokens: $0, startPosition: 0)])[0] }
    let sequences = try ids.map { _ in try model.makeSequence() }
    let together = try model.forward(zip(sequences, ids).map { SequenceStep(sequence: $0, tokens: $1, startPosition: 0) })
    #expect(together == alone)
}
