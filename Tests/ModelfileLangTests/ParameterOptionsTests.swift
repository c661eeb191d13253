import Testing
@testable import ModelfileLang

/// `Parameters.options(fromJSON:)` against Ollama's `api.Options.FromMap`.
@Test func jsonOptionsFollowOllamasFromMap() throws {
    let parsed = try Parameters.options(fromJSON: [
        ("temperature", .number(0.25)), ("top_k", .number(7.9)), ("num_predict", .number(-1.5)),
        ("stop", .array([.string("a"), .string("b")])), ("use_mmap", .bool(false)), ("seed", .null),
        ("max_tokens", .number(5)), ("mirostat", .number(1)),
    ])
    #expect(parsed.values["temperature"] == .float(0.25))
    #expect(parsed.values["top_k"] == .int(7))            // int64(7.9): truncated
    #expect(parsed.values["num_predict"] == .int(-1))     // toward zero
    #expect(parsed.values["stop"] == .strings(["a", "b"]))
    #expect(parsed.values["use_mmap"] == .bool(false))
    #expect(parsed.values["seed"] == nil)                  // null is skipped
    #expect(parsed.ignored == ["max_tokens", "mirostat"])  // unknown and deprecated: skipped
}

@Test(arguments: [
    ("top_k", GoJSONAny.string("4"), "option \"top_k\" must be of type integer"),
    ("temperature", .bool(true), "option \"temperature\" must be of type float32"),
    ("use_mmap", .number(1), "option \"use_mmap\" must be of type boolean"),
    ("stop", .string("x"), "option \"stop\" must be of type array"),
    ("stop", .array([.number(1)]), "option \"stop\" must be of an array of strings"),
])
func jsonOptionsOfTheWrongTypeNameTheField(name: String, value: GoJSONAny, message: String) {
    #expect(throws: ParameterError.self) { try Parameters.options(fromJSON: [(name, value)]) }
    do { _ = try Parameters.options(fromJSON: [(name, value)]) } catch {
        #expect(error.description == message)
        #expect(error.name == name)
    }
}

@Test func jsonFloatOverflowingFloat32IsRefused() {
    #expect(throws: ParameterError.self) { try Parameters.options(fromJSON: [("top_p", .number(1e39))]) }
    #expect(Parameters.goInt64(1e300) == Int64.min)
}

@Test func stopListGrowsInPlace() {
    var values = ParameterValues()
    for k in 0..<1000 { values.set("stop", .strings(["s\(k)"])) }
    #expect(values.strings("stop").count == 1000)
    #expect(values.strings("stop").last == "s999")
    #expect(values.float("temperature") == 0.8)   // Ollama's default when unset
    #expect(values.float("repeat_penalty") == 1)
}
