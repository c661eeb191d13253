import Testing
@testable import Runtime

/// A deterministic stand-in model: the next token is `successor[last token]`, and every call is recorded.
final class FakePredictor: TokenPredictor {
    let contextLength: Int
    let vocabularySize = 8
    var successor: [Int]
    var calls: [(tokens: [Int], start: Int)] = []
    var cache: [Int] = []

    init(contextLength: Int, successor: [Int]) {
        self.contextLength = contextLength
        self.successor = successor
    }

    func predict(_ tokens: [Int], from start: Int) throws -> [Float] {
        #expect(start <= cache.count, "start \(start) is past the cache of \(cache.count)")
        calls.append((tokens, start))
        cache = Array(cache.prefix(start)) + tokens
        #expect(cache.count <= contextLength)
        var logits = [Float](repeating: 0, count: vocabularySize)
        logits[successor[tokens[tokens.count - 1]]] = 10
        return logits
    }
}

struct GeneratorTests {
    // 0 <unk>, 1 <s>, 2 </s> (eos), 3 "▁x", 4 "y", 5 "z", 6 "S", 7 "T"
    static let tokenizer: Tokenizer = {
        let texts = ["<unk>", "<s>", "</s>", "▁x", "y", "z", "S", "T"].map { Array($0.utf8) }
        let vocabulary = try! Vocabulary(model: .sentencePiece, preTokenizer: nil, texts: texts, scores: [], types: [2, 3, 3, 1, 1, 1, 1, 1],
                                         merges: [], bos: 1, eos: 2, unknown: 0, padding: nil, addBOS: true, addEOS: false, addSpacePrefix: false)
        return try! Tokenizer(vocabulary: vocabulary)
    }()

    static func greedy(_ edit: (inout SamplingOptions) -> Void = { _ in }) -> SamplingOptions {
        var o = SamplingOptions()
        o.temperature = 0
        edit(&o)
        return o
    }

    @Test func greedyRunsToEndOfSequence() throws {
        // x -> y -> z -> </s>
        let model = FakePredictor(contextLength: 64, successor: [0, 3, 0, 4, 5, 2, 0, 0])
        let generator = Generator(model: model, tokenizer: Self.tokenizer)
        var streamed: [String] = []
        let (text, stats) = try generator.generate(prompt: [1, 3], options: Self.greedy()) { streamed.append($0) }
        #expect(text == "yz")
        #expect(streamed.joined() == "yz")
        #expect(stats.doneReason == .stop && stats.generatedTokens == 2 && stats.promptTokens == 2)
    }

    @Test func numPredictLimitsTheAnswer() throws {
        let model = FakePredictor(contextLength: 64, successor: [0, 3, 0, 4, 3, 2, 0, 0])   // x y x y ...
        let (text, stats) = try Generator(model: model, tokenizer: Self.tokenizer)
            .generate(prompt: [1, 3], options: Self.greedy { $0.numPredict = 5 }) { _ in }
        #expect(text == "y xy xy")   // "▁x" shows as " x"
        #expect(stats.doneReason == .length && stats.generatedTokens == 5)
    }

    @Test func stopStringEndsAndIsNotShown() throws {
        let model = FakePredictor(contextLength: 64, successor: [0, 3, 0, 4, 6, 2, 7, 4])   // x y S T y S T ...
        let (text, stats) = try Generator(model: model, tokenizer: Self.tokenizer)
            .generate(prompt: [1, 3], options: Self.greedy { $0.stop = ["ST"] }) { _ in }
        #expect(text == "y")
        #expect(stats.doneReason == .stop)
    }

    @Test func nextTurnEvaluatesOnlyTheNewTokens() throws {
        let model = FakePredictor(contextLength: 64, successor: [0, 3, 0, 4, 5, 2, 0, 0])
        let generator = Generator(model: model, tokenizer: Self.tokenizer)
        _ = try generator.generate(prompt: [1, 3], options: Self.greedy()) { _ in }
        #expect(generator.cached == [1, 3, 4, 5])
        model.calls = []
        let (_, stats) = try generator.generate(prompt: [1, 3, 4, 5, 6, 3], options: Self.greedy()) { _ in }
        #expect(model.calls.first?.start == 4)
        #expect(model.calls.first?.tokens == [6, 3])
        #expect(stats.promptEvaluated == 2)
    }

    @Test func contextShiftKeepsNumKeepAndGoesOn() throws {
        let model = FakePredictor(contextLength: 8, successor: [0, 3, 0, 4, 3, 2, 0, 0])   // never ends
        let generator = Generator(model: model, tokenizer: Self.tokenizer)
        let (text, stats) = try generator.generate(prompt: [1, 3], options: Self.greedy { $0.numPredict = 20; $0.numKeep = 1 }) { _ in }
        #expect(stats.generatedTokens == 20 && stats.doneReason == .length)
        #expect(text.count == 20 + 10)   // " x" is two characters, "y" one
        #expect(generator.cached.first == 1)
        #expect(generator.cached.count <= 8)
        #expect(model.calls.contains { $0.start == 1 && $0.tokens.count > 1 })
    }

    @Test func cancellationStopsBeforeTheNextToken() throws {
        let model = FakePredictor(contextLength: 64, successor: [0, 3, 0, 4, 3, 2, 0, 0])
        var polls = 0
        let (_, stats) = try Generator(model: model, tokenizer: Self.tokenizer)
            .generate(prompt: [1, 3], options: Self.greedy(), shouldStop: { polls += 1; return polls > 3 }) { _ in }
        #expect(stats.doneReason == .cancelled && stats.generatedTokens == 3)
    }
}
