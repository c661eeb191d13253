import Testing
import ModelfileLang
@testable import Builder

/// Fixture digests from Ollama's `server/routes_create_test.go` (package spec §5).
@Test func textBlobFixturesMatch() {
    let cases: [(String, String)] = [
        ("Say bye!", "4c5f51faac758fecaff8db42f0b7382891a4d0c0bb885f7b86be88c814a7cc86"),
        ("Say hi!", "f29e82a8284dbdf5910b1555580ff60b04238b8da9d5e51159ada67a4d0d5851"),
        ("{{ .Prompt }}", "b507b9c2f6ca642bffcd06665ea7c91f235fd32daeefdf875a0f938db05fb315"),
        ("{{ .System }} {{ .Prompt }}", "fe7ac77b725cda2ccad03f88a880ecdfd7a33192d6cae08fce2c0ee1455991ed"),
        ("MIT", "e5dcffe836b6ec8a58e492419b550e65fb8cbdc308503979e5dacb33ac7ea3b7"),
        ("Apache-2.0", "2af71558e438db0b73a20beab92dc278a94e1bbe974c00c1a33e3ab62d53a608"),
    ]
    for (text, hex) in cases { #expect(Digest.of(Array(text.utf8)).hex == hex, "\(text)") }
}

@Test func paramsFixturesMatch() {
    let a = JSONValue.sortedObject([
        "stop": .array([.string("USER:"), .string("ASSISTANT:")]), "temperature": .float32(1), "top_k": .int(10),
    ])
    #expect(a.goEncodedString == "{\"stop\":[\"USER:\",\"ASSISTANT:\"],\"temperature\":1,\"top_k\":10}\n")
    #expect(Digest.of(a.goEncoded).hex == "1d0ad71299d48c2fb7ae2b98e683643e771f8a5b72be34942af90d97a91c1e37")

    let merged = JSONValue.sortedObject([
        "top_p": .float32(0.7), "temperature": .float32(0.6), "top_k": .int(10),
        "stop": .array([.string("USER:"), .string("ASSISTANT:")]),
    ])
    #expect(Digest.of(merged.goEncoded).hex == "e29a7b3c47287a2489c895d21fe413c20f859a85d20e749492f52a838e36e1ba")

    let escaped = JSONValue.sortedObject([
        "stop": .array([.string("<|endoftext|>")]), "temperature": .float32(0.6), "top_k": .int(10), "top_p": .float32(0.7),
    ])
    #expect(escaped.goEncodedString.contains("\\u003c|endoftext|\\u003e"))
    #expect(Digest.of(escaped.goEncoded).hex == "12f58bb75cb3042d69a7e013ab87fb3c3c7088f50ddc62f0c77bd332f0d44d35")
}

/// Inherited params went through a JSON round trip (float64) and must re-encode to the same text.
@Test func paramsSurviveJSONRoundTrip() throws {
    let text = "{\"stop\":[\"\\u003c|im_end|\\u003e\"],\"temperature\":0.6,\"top_k\":10,\"top_p\":0.7}\n"
    #expect(try JSONValue.parse(text).goEncodedString == text)
}

@Test(arguments: [
    (Float(0.7), "0.7"), (1e-7, "1e-7"), (1e21, "1e+21"), (1, "1"), (100, "100"), (0.000001, "0.000001"),
    (123456.5, "123456.5"), (-2.5, "-2.5"), (1.1920929e-07, "1.1920929e-7"), (3.4028235e38, "3.4028235e+38"), (0, "0"),
])
func float32EncodesLikeGo(_ value: Float, _ expected: String) {
    #expect(JSONValue.float32(value).goEncodedString == expected + "\n")
}

@Test(arguments: [
    (0.1, "0.1"), (1e-7, "1e-7"), (1e20, "100000000000000000000"), (1e21, "1e+21"), (1048576, "1048576"), (2.5e-300, "2.5e-300"),
])
func float64EncodesLikeGo(_ value: Double, _ expected: String) {
    #expect(JSONValue.float64(value).goEncodedString == expected + "\n")
}

@Test func stringsEscapeLikeGo() {
    let s = JSONValue.string("a\"b\\c\n\t\r\u{8}\u{c}\u{1}<>&\u{2028}\u{2029}é😀")
    #expect(s.goEncodedString == "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029é😀\"\n")
}

@Test func parserRejectsBadJSON() {
    for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "1 2", "{\"a\":1,}", String(repeating: "[", count: 1000)] {
        #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(bad) }
    }
}
