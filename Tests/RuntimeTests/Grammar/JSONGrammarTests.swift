import Testing
import TestSupport
@testable import Runtime

/// `format: "json"`: the grammar matcher against an independent parser of the same language.
struct JSONGrammarTests {
    static let grammar = JSONGrammarParts.objectGrammar()

    /// The matcher's verdict on `text`, fed one byte at a time.
    static func verdict(_ text: [UInt8]) -> JSONReference.Verdict {
        var m = GrammarMatcher(grammar)
        for b in text where !m.feed([b]) { return .invalid }
        return m.isAccepting ? .complete : .prefix
    }

    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, -0.5e+3, "x\"y\u00e9"], "c": {}}"#, "{}", "{ }", "{\n  \"k\": [ ]\n}",
        #"{"n": [0, 12, 3.25, 1E9]}"#, #"{"emoji": "🎉", "path": "a\/b"}"#,
    ])
    func completeObjectsAreAccepted(_ text: String) {
        #expect(Self.verdict(Array(text.utf8)) == .complete, "\(text)")
        var m = GrammarMatcher(Self.grammar)
        let fed = m.feed(Array(text.utf8))
        #expect(fed && m.isAccepting && !m.canContinue, "an object ends the answer: \(text)")
    }

    @Test(arguments: [#"{"a": 1"#, "{\"a", "{\"a\": [1, 2", "{\"a\": tr", "{\"a\": -", "{", "{\"é\": \"\u{E4}", "{\"a\":\"\u{E4}"])
    func prefixesAreAcceptedButIncomplete(_ text: String) {
        #expect(Self.verdict(Array(text.utf8)) == .prefix, "\(text)")
    }

    @Test(arguments: ["[1]", "\"x\"", " {}", "{a: 1}", "{\"a\" 1}", "{\"a\" : 1}", "{\"a\": 01}", "{\"a\": 1,}", "{\"a\": [1,]}",
                      "{\"a\": tru }", "{\"a\": \"\\x\"}", "{\"a\": \"\u{1}\"}", "{} {}", "{}\n", "{\"a\": 1}}", "{\"a\": 1 ,\"b\": 2}",
                      "{\"a\": 1.}", "{\"a\": \"\\u12G4\"}", "{\"a\": 12345678901234567}", "{\"a\": \"\u{7F}\"}"])
    func invalidTextIsRejected(_ text: String) {
        #expect(Self.verdict(Array(text.utf8)) == .invalid, "\(text)")
    }

    @Test func invalidUTF8IsRejectedByteByByte() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xE0, 0x80], [0xED, 0xA0], [0xF4, 0x90], [0x80], [0xFF], [0xC3, 0x41]] {
            #expect(Self.verdict(Array("{\"a\": \"".utf8) + bad) == .invalid, "\(bad)")
        }
    }

    @Test func whitespaceRunsAreBounded() {
        #expect(Self.verdict(Array(("{\n\n" + String(repeating: " ", count: 20) + "}").utf8)) == .complete)
        #expect(Self.verdict(Array(("{\n" + String(repeating: " ", count: 21)).utf8)) == .invalid)
        #expect(Self.verdict(Array("{  ".utf8)) == .invalid)
        #expect(Self.verdict(Array("{\n\n\n".utf8)) == .invalid)
    }

    @Test func rejectedBytesLeaveTheMatcherAsItWas() {
        var m = GrammarMatcher(Self.grammar)
        let key = m.feed(Array("{\"a\":".utf8))
        let bad = m.feed(Array(" 1x".utf8))
        let tried = m.accepts(Array(" 1}".utf8))
        #expect(key && !bad && tried && !m.isAccepting)
        let rest = m.feed(Array("[]}".utf8))
        #expect(rest && m.isAccepting)
    }

    @Test func shortestCompletionCountsWhatIsOpen() {
        var m = GrammarMatcher(Self.grammar)
        #expect(m.minimumCompletion == 2)   // {}
        let key = m.feed(Array("{\"ab".utf8))
        #expect(key && m.minimumCompletion == 4)   // `"` `:` a one-byte value `}`
        let arrays = m.feed(Array("\": [[".utf8))
        #expect(arrays && m.minimumCompletion == 3)
    }

    /// Random valid objects: every prefix is accepted and the whole is complete; random edits of them
    /// get the same verdict from the matcher as from the reference parser.
    @Test func randomObjectsAndTheirMutationsAgreeWithTheReference() {
        let seed = Fuzz.seed(default: 0x5EED_0010)
        var random = RandomJSON(rng: FuzzRandom(seed: seed))
        var mutator = FuzzRandom(seed: seed ^ 0xABCD)
        let dictionary = ["{", "}", "[", "]", ",", ":", "\"", " ", "\n", "\\", "0", "-", "e", "true", "\u{E9}"].map { Array($0.utf8) }
        var seen: [JSONReference.Verdict: Int] = [:]
        for _ in 0..<Fuzz.count(300) {
            let text = Array(random.object().utf8)
            #expect(JSONReference.judge(text) == .complete, "seed \(seed): generator made \(String(decoding: text, as: UTF8.self))")
            var m = GrammarMatcher(Self.grammar)
            for (i, b) in text.enumerated() where !m.feed([b]) {
                Issue.record("seed \(seed): rejected byte \(i) of \(String(decoding: text, as: UTF8.self).debugDescription)")
                break
            }
            #expect(m.isAccepting, "seed \(seed): \(String(decoding: text, as: UTF8.self).debugDescription)")
            for _ in 0..<10 {
                let mutated = Fuzz.mutate(text, region: 0..<text.count, dictionary: dictionary, &mutator)
                let expected = JSONReference.judge(mutated)
                seen[expected, default: 0] += 1
                #expect(Self.verdict(mutated) == expected, "seed \(seed): \(String(decoding: mutated, as: UTF8.self).debugDescription)")
            }
        }
        #expect((seen[.invalid] ?? 0) > 100 && (seen[.prefix] ?? 0) > 10 && (seen[.complete] ?? 0) > 10, "seed \(seed): \(seen)")
    }
}
