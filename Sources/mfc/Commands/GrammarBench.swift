import Dispatch
import Foundation
import Runtime

/// `mfc bench --grammar MODEL`: the cost of `format: "json"` on the model's vocabulary, without the model:
/// building the token trie, one uncached walk of the vocabulary per parse state (what a token costs
/// when the model's first choice is refused in a state not seen before), a cached mask, and the check
/// of a first choice (what most tokens cost).
enum GrammarBench {
    static let states = ["", "{\"", "{\"name\": ", "{\"name\": \"Fel", "{\"a\": [1, 2"]

    static func run(_ gguf: GGUFFile, repetitions: Int, console: Console) throws {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        var start = DispatchTime.now().uptimeNanoseconds
        let trie = TokenTrie(tokenizer: tokenizer)
        console.stdout.write(String(format: "vocabulary: %d tokens, trie of %d nodes built in %.1f ms\n",
                                    tokenizer.vocabulary.count, trie.nodeCount, elapsed(since: start) * 1e3))
        let grammar = JSONGrammarParts.objectGrammar()
        console.stdout.write("| state | allowed tokens | uncached walk ms | cached mask ms | first-choice check us |\n|---|---:|---:|---:|---:|\n")
        let plain = tokenizer.vocabulary.id(of: Array("a".utf8)) ?? 0
        for state in states {
            var walks: [Double] = [], cached: [Double] = [], checks: [Double] = []
            var allowed = 0
            for _ in 0..<repetitions {
                var c = TokenConstraint(grammar: grammar, trie: trie)
                _ = c.feed(Array(state.utf8))
                var logits = [Float](repeating: 0, count: tokenizer.vocabulary.count)
                start = DispatchTime.now().uptimeNanoseconds
                c.mask(&logits, remaining: nil)
                walks.append(elapsed(since: start) * 1e3)
                allowed = logits.count { $0 > -.infinity }
                start = DispatchTime.now().uptimeNanoseconds
                c.mask(&logits, remaining: nil)
                cached.append(elapsed(since: start) * 1e3)
                start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<100 { _ = c.allows(plain, remaining: nil) }
                checks.append(elapsed(since: start) * 1e6 / 100)
            }
            console.stdout.write("| `\(state)` | \(allowed) | \(Statistics(walks)) | \(Statistics(cached)) | \(Statistics(checks)) |\n")
        }
    }

    private static func elapsed(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
