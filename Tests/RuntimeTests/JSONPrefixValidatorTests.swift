import Testing
@testable import Runtime

struct JSONPrefixValidatorTests {
    static func accepts(_ text: String) -> (ok: Bool, complete: Bool) {
        var v = JSONPrefixValidator()
        let ok = v.feed(Array(text.utf8))
        return (ok, v.isComplete)
    }

    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, -0.5e+3, "x\"y\u00e9"], "c": {}}"#,
        "{}", " {\n  \"k\" : [ ] }", #"{"n": [0, 12, 3.25, 1E9]}"#, #"{"emoji": "🎉"}"#,
    ])
    func completeObjectsAreAccepted(_ text: String) {
        let r = Self.accepts(text)
        #expect(r.ok && r.complete, "\(text)")
    }

    @Test(arguments: [#"{"a": 1"#, "{\"a", "{\"a\": [1, 2", "{\"a\": tr", "{\"a\": -", " "])
    func prefixesAreAcceptedButIncomplete(_ text: String) {
        let r = Self.accepts(text)
        #expect(r.ok && !r.complete, "\(text)")
    }

    @Test(arguments: ["[1]", "\"x\"", "{a: 1}", "{\"a\" 1}", "{\"a\": 01}", "{\"a\": 1,}", "{\"a\": [1,]}",
                      "{\"a\": tru }", "{\"a\": \"\\x\"}", "{\"a\": \"\u{1}\"}", "{} {}", "{\"a\": 1}}",
                      "{\"a\": 1.}", "{\"a\": \"\\u12G4\"}"])
    func invalidTextIsRejected(_ text: String) {
        #expect(!Self.accepts(text).ok, "\(text)")
    }

    @Test func whitespaceRunsAreCapped() {
        #expect(!Self.accepts("{" + String(repeating: " ", count: JSONPrefixValidator.maxBlankRun + 1)).ok)
        #expect(Self.accepts("{" + String(repeating: " ", count: JSONPrefixValidator.maxBlankRun)).ok)
    }

    @Test func acceptsDoesNotChangeTheValidator() {
        var v = JSONPrefixValidator()
        let fedKey = v.feed(Array("{\"a\":".utf8))
        #expect(fedKey)
        #expect(v.accepts(Array(" 1}".utf8)))
        #expect(!v.isComplete)
        let fedRest = v.feed(Array("[]}".utf8))
        #expect(fedRest && v.isComplete)
    }
}
