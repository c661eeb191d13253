import Foundation
import Testing
import TestSupport
@testable import Runtime

// Batched decoding: N sequences decoded together in one forward pass per step give, token for token,
// what each gives decoded alone (greedy). Sequences join at different steps (their prompt rides in the
// same batch as the others' next tokens) and stop after different lengths.

/// The prompt of sequence `i`: 3 to 17 tokens inside the vocabulary, different for every i.
private func prompt(_ i: Int, vocabulary: Int) -> [Int32] {
    (0..<(3 + (i * 5) % 15)).map { Int32(($0 * 7919 + 104_729 * i + 31) % min(vocabulary, 32_000) + 3) }
}

private func argmax(_ logits: [Float]) -> Int32 {
    var best = 0
    for i in logits.indices where logits[i] > logits[best] { best = i }
    return Int32(best)
}

/// When sequence i joins (step) and how many tokens it generates.
private func schedule(_ i: Int) -> (join: Int, length: Int) { ((i * 3) % 7, 4 + (i * 7) % 9) }

/// Sequence i decoded alone on its own cache: its greedy tokens.
private func decodeAlone(_ model: LlamaModel, _ i: Int) throws -> [Int32] {
    let sequence = try model.makeSequence()
    let ids = prompt(i, vocabulary: model.config.vocabularySize)
    var logits = try model.forward([SequenceStep(sequence: sequence, tokens: ids, startPosition: 0)])[0]
    var out: [Int32] = []
    for _ in 0..<schedule(i).length {
        out.append(argmax(logits))
        logits = try model.forward([SequenceStep(sequence: sequence, tokens: [out.last!], startPosition: sequence.cachedCount)])[0]
    }
    return out
}

/// The first n sequences decoded together, each joining and stopping on its own schedule.
private func decodeTogether(_ model: LlamaModel, _ n: Int) throws -> [[Int32]] {
    let sequences = try (0..<n).map { _ in try model.makeSequence() }
    var generated = [[Int32]](repeating: [], count: n)
    var logits = [[Float]?](repeating: nil, count: n)
    var step = 0
    while (0..<n).contains(where: { generated[$0].count < schedule($0).length }) {
        var steps: [SequenceStep] = [], members: [Int] = []
        for i in 0..<n where step >= schedule(i).join && generated[i].count < schedule(i).length {
            if let l = logits[i] {
                generated[i].append(argmax(l))
                if generated[i].count == schedule(i).length { continue }
                steps.append(SequenceStep(sequence: sequences[i], tokens: [generated[i].last!], startPosition: sequences[i].cachedCount))
            } else {
                steps.append(SequenceStep(sequence: sequences[i], tokens: prompt(i, vocabulary: model.config.vocabularySize), startPosition: 0))
            }
            members.append(i)
        }
        if !steps.isEmpty {
            for (i, l) in zip(members, try model.forward(steps)) { logits[i] = l }
        }
        step += 1
    }
    return generated
}

@Test(arguments: ModelCase.all)
func batchedDecodeEqualsAlone(_ m: ModelCase) throws {
    let model = try LlamaModel(gguf: GGUFFile(path: m.path()), contextLength: 64, threads: 2)
    let alone = try (0..<16).map { try decodeAlone(model, $0) }
    for n in [1, 2, 5, 16] {
        let together = try decodeTogether(model, n)
        for i in 0..<n {
            #expect(together[i] == alone[i], "\(m.name), \(n) sequences: sequence \(i) differs")
        }
    }
}

/// A step longer than the batch capacity continues in the next batch, beside another sequence's tokens.
@Test func stepsSplitAcrossBatchesEqualAlone() throws {
    let gguf = try GGUFFile(path: TestModels.smolLM2())
    let model = try LlamaModel(gguf: gguf, contextLength: 64, threads: 2, batchSize: 7)
    let vocab = model.config.vocabularySize
    let a = try model.makeSequence(), b = try model.makeSequence()
    let long = prompt(11, vocabulary: vocab), short = prompt(1, vocabulary: vocab)
    let together = try model.forward([SequenceStep(sequence: a, tokens: short, startPosition: 0),
                                      SequenceStep(sequence: b, tokens: long, startPosition: 0, allLogits: true)])
    let aloneA = try model.forward([SequenceStep(sequence: try model.makeSequence(), tokens: short, startPosition: 0)])[0]
    let aloneB = try model.forward([SequenceStep(sequence: try model.makeSequence(), tokens: long, startPosition: 0, allLogits: true)])[0]
    #expect(together[0] == aloneA)
    #expect(together[1] == aloneB)
    #expect(a.cachedCount == short.count && b.cachedCount == long.count)
    #expect(throws: ModelError.self) {
        try model.forward([SequenceStep(sequence: a, tokens: [1], startPosition: a.cachedCount),
                           SequenceStep(sequence: a, tokens: [2], startPosition: a.cachedCount)])
    }
}
