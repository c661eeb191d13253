import Testing
import TestSupport
@testable import Runtime

/// The vocabulary walk against checking every token alone, end-of-generation tokens, the budget, and
/// the sampler's use of both.
struct TokenConstraintTests {
    /// A small vocabulary with shared prefixes, JSON pieces, partial UTF-8 and an end token (id 0, no bytes).
    static let pieces: [[UInt8]] = [[]] + ["{", "}", "{\"", "\"", "\":", "\": ", "a", "ab", "abc", "name", "\"name\": \"", ",", ", \"",
        " ", "\n", "\n  ", "  ", "1", "12", "-", ".", "e", "true", "tr", "null", "[", "]", "\"}", "\"},", "é", "\\", "\\n", "x\"",
        "}}", "]}", "\"]", "cat", " cat"].map { Array($0.utf8) } + [[0xC3], [0xA9], [0xE4, 0xB8]]
    static let trie = TokenTrie(pieces: pieces, endOfGeneration: [0])

    static func constraint(_ prefix: String) -> TokenConstraint {
        var c = TokenConstraint(grammar: JSONGrammarParts.objectGrammar(), trie: trie)
        for b in prefix.utf8 where !c.feed([b]) { Issue.record("prefix \(prefix) rejected") }
        return c
    }

    @Test(arguments: ["", "{", "{\"a", "{\"a\":", "{\"a\": 1", "{\"a\": [", "{\"a\": \"\u{E4}", "{\"a\": tr", "{}"])
    func theWalkAllowsExactlyTheTokensThatFit(_ prefix: String) {
        var c = Self.constraint(prefix)
        var logits = [Float](repeating: 0, count: Self.pieces.count)
        c.mask(&logits, remaining: nil)
        for id in Self.pieces.indices {
            var alone = Self.constraint(prefix)
            let expected = alone.allows(id, remaining: nil)
            #expect((logits[id] > -.infinity) == expected, "prefix \(prefix.debugDescription), token \(String(decoding: Self.pieces[id], as: UTF8.self).debugDescription)")
        }
        // The end token only where the object is closed.
        #expect((logits[0] > -.infinity) == (prefix == "{}"))
    }

    @Test func masksComeFromTheCacheForARepeatedState() {
        var c = Self.constraint("{\"a\": \"")
        var logits = [Float](repeating: 0, count: Self.pieces.count)
        c.mask(&logits, remaining: nil)
        let first = logits
        let inside = c.allows(7, remaining: nil)
        #expect(inside)
        c.accept(7)   // "a": still inside the string, the same parse state
        logits = [Float](repeating: 0, count: Self.pieces.count)
        c.mask(&logits, remaining: nil)
        #expect(logits == first)
        #expect(c.vocabularyWalks == 1)
    }

    /// Near the end of the budget only tokens that leave room to close are allowed; greedy choice
    /// under that rule closes the object exactly when the budget runs out.
    @Test func theBudgetClosesStringsAndContainersInTime() {
        for budget in [3, 5, 8, 13] {
            var sampler = Sampler(options: SamplingOptions(), constraint: Self.constraint("{\"a\": [\"abc"))
            var text: [UInt8] = []
            var used = 0
            // Logits that always prefer "abc" (7..9) so an unconstrained model would never close.
            var logits = [Float](repeating: 0, count: Self.pieces.count)
            logits[9] = 10
            while used < budget, !sampler.isFinished {
                guard let id = sampler.next(logits, history: [], remaining: budget - used) else { break }
                text += Self.pieces[id]
                used += 1
            }
            #expect(sampler.isFinished, "budget \(budget): {\"a\": [\"abc\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// A model stuck repeating "abc" inside a string, with no budget: the repetition is noticed and
    /// the string and object are closed.
    @Test func aRepeatingAnswerIsClosed() {
        var sampler = Sampler(options: SamplingOptions(), constraint: Self.constraint("{\"a\": \""))
        var logits = [Float](repeating: 0, count: Self.pieces.count)
        logits[9] = 10
        var tokens = 0
        while !sampler.isFinished && tokens < 200 {
            guard sampler.next(logits, history: [], remaining: nil) != nil else { break }
            tokens += 1
        }
        #expect(sampler.isFinished && sampler.constraint?.isClosing == true)
        #expect(tokens > 32 && tokens < 40, "closed after \(tokens) tokens")
    }

    @Test func theSamplerKeepsAnAllowedFirstChoiceAndOtherwiseMasks() {
        var options = SamplingOptions()
        options.temperature = 0
        var sampler = Sampler(options: options, constraint: Self.constraint(""))
        var logits = [Float](repeating: 0, count: Self.pieces.count)
        logits[36] = 9   // "cat": not JSON
        logits[1] = 1    // "{"
        logits[3] = 2    // "{\""
        let key = sampler.next(logits, history: [])
        #expect(key == 3)
        #expect(sampler.constraint?.vocabularyWalks == 1)
        logits = [Float](repeating: 0, count: Self.pieces.count)
        logits[7] = 5    // "a" inside the key: allowed as first choice, no walk
        let a = sampler.next(logits, history: [])
        #expect(a == 7)
        #expect(sampler.constraint?.vocabularyWalks == 1)
    }

    @Test func theTrieHoldsEveryPieceOnce() {
        #expect(Self.trie.tokens.count == Self.pieces.count - 1)
        #expect(Set(Self.trie.tokens).count == Self.pieces.count - 1)
        #expect(Self.trie.maxPieceLength == 9)
    }
}


/// The vocabulary walk (with its shortcut for bytes that return to the starting stacks) on SmolLM2's
/// real 49k vocabulary allows exactly the tokens that checking each token alone allows.
@Test(arguments: ["", "{\"", "{\"a\": ", "{\"a\": \"x", "{\"a\": [1", "{\"a\": \"\u{E4}", "{\"a\": \"\\u00"])
func theWalkMatchesTokenByTokenChecksOnARealVocabulary(_ prefix: String) throws {
    let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: TestModels.smolLM2())))
    let trie = TokenTrie(tokenizer: tokenizer)
    var c = TokenConstraint(grammar: JSONGrammarParts.objectGrammar(), trie: trie)
    let fed = c.feed(Array(prefix.utf8))
    #expect(fed)
    var logits = [Float](repeating: 0, count: tokenizer.vocabulary.count)
    c.mask(&logits, remaining: nil)
    var differing: [Int] = []
    for id in logits.indices where (logits[id] > -.infinity) != c.allows(id, remaining: nil) { differing.append(id) }
    #expect(differing.isEmpty, "\(prefix.debugDescription): \(differing.prefix(10).map { String(decoding: trie.pieces[$0], as: UTF8.self) })")
    #expect(logits.contains { $0 > -.infinity })
}
