import Testing
@testable import ModelfileLang

/// The one JSON type: Go's encoding/json bytes, ordered objects, Go's number kinds, byte offsets.
@Test func objectsKeepTheirOrderAndNumbersTheirKind() throws {
    let text = #"{"z":1,"a":[1.5,-0,1e2,12345678901234567890,-9223372036854775808],"m":{"y":true,"b":null}}"#
    let v = try JSONValue.parse(text)
    #expect(v.objectValue?.map(\.0) == ["z", "a", "m"])
    #expect(v["z"] == .int(1))
    #expect(v["a"]?.arrayValue == [.float64(1.5), .float64(-0.0), .float64(100), .float64(12_345_678_901_234_567_168), .int(Int.min)])
    // Go writes float64 100 as 100 and -0 as -0; the big integer went through float64 (the nearest double, ...168), as in Go.
    #expect(String(decoding: v.goJSON(), as: UTF8.self)
            == #"{"z":1,"a":[1.5,-0,100,12345678901234567000,-9223372036854775808],"m":{"y":true,"b":null}}"#)
}

@Test func htmlEscapingIsGosDefaultAndCanBeTurnedOff() {
    let v = JSONValue.object([("k<", .string("<a href='x'>&\u{2028}\u{8}\u{c}\u{1}\"\\é"))])
    #expect(String(decoding: v.goJSON(), as: UTF8.self) == #"{"k\u003c":"\u003ca href='x'\u003e\u0026\u2028\b\f\u0001\"\\é"}"#)
    #expect(String(decoding: v.goJSON(escapeHTML: false), as: UTF8.self) == #"{"k<":"<a href='x'>&\u2028\b\f\u0001\"\\é"}"#)
}

@Test func indentedOutputIsMarshalIndent() {
    let v = JSONValue.object([("a", .array([.int(1), .object([])])), ("b", .array([])), ("c", .float32(0.1))])
    #expect(String(decoding: v.goJSON(prefix: ">", indent: "\t"), as: UTF8.self)
            == "{\n>\t\"a\": [\n>\t\t1,\n>\t\t{}\n>\t],\n>\t\"b\": [],\n>\t\"c\": 0.1\n>}")
    #expect(v.rendered() == #"{"a":[1,{}],"b":[],"c":0.1}"#)
}

@Test(arguments: [
    ("", 0), ("{", 1), ("[1,]", 3), (#"{"a" 1}"#, 5), (#""abc"#, 4), ("tru", 0), ("1 2", 2), (#"{"a":1,}"#, 7),
    ("01", 1), ("-", 0), ("1.", 2), (#""\x""#, 2), ("\"\u{1}\"", 1), ("[" + String(repeating: "[", count: 600), 500),
])
func parseErrorsGiveTheByteOffset(_ text: String, _ offset: Int) {
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    #expect(error?.offset == offset, "\(text.debugDescription): \(error?.description ?? "")")
}

@Test func interfaceDecodingMakesEveryNumberAFloat64() throws {
    let v = try TemplateValue.decodeJSON(#"{"n":1,"f":2.5,"l":[1,2,3],"d":{"a":1,"a":2}}"#)
    #expect(v["n"] == .float(1))
    #expect(v["d"]?["a"] == .float(2))   // a repeated key keeps its last value, as Go's map does
    guard case .list(let l)? = v["l"] else { Issue.record("not a list"); return }
    #expect(l.capacity == 4)             // encoding/json grows a []interface{} by appending
    #expect(GoJSON.marshal(v) == #"{"d":{"a":2},"f":2.5,"l":[1,2,3],"n":1}"#)
}

@Test func floatsFormatLikeGo() {
    #expect(ShowFormat.goFloat(1_000_000) == "1e+06")
    #expect(ShowFormat.goFloat(0.1 + 0.2) == "0.30000000000000004")
    #expect(ShowFormat.goFloat(123456789e-20) == "1.23456789e-12")
    #expect(GoFloat.format(1, UInt8(ascii: "b"), precision: -1) == "4503599627370496p-52")
    #expect(JSONValue.float32(1.1920929e-07).rendered() == "1.1920929e-7")
    #expect(JSONValue.float64(1e21).rendered() == "1e+21")
}
