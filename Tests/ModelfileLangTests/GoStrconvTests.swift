import Testing
@testable import ModelfileLang

/// `strconv.ParseFloat` verdicts, as Go 1.19 printed them for each input (bits 32 and 64).
@Test(arguments: [
    ("1_000.5", 1000.5, 1000.5), ("1_000", 1000, 1000), ("0x1_0p0", 16, 16), ("1e1_0", 1e10, 1e10),
    ("inf", .infinity, .infinity), ("+Inf", .infinity, .infinity), ("Infinity", .infinity, .infinity),
    ("0x1p-2", 0.25, 0.25), (".5", 0.5, 0.5), ("5.", 5, 5), ("1e-50", 0, 1e-50), ("1e40", nil, 1e40),
    ("-nan", nil, nil), ("1_", nil, nil), ("_1", nil, nil), ("0x1.8", nil, nil), ("", nil, nil), ("1e", nil, nil),
] as [(String, Double?, Double?)])
func parseFloatAgreesWithGo(_ text: String, _ float32: Double?, _ float64: Double?) {
    #expect(GoStrconv.parseFloat(text, bits: 32) == float32, "\(text)")
    #expect(GoStrconv.parseFloat(text, bits: 64) == float64, "\(text)")
}

@Test func nanAndIntegersParseAsInGo() {
    #expect(GoStrconv.parseFloat("NaN", bits: 32)?.isNaN == true)
    #expect(GoStrconv.parseFloat("+nan") == nil)
    #expect(GoStrconv.parseInt("0x1F") == 31 && GoStrconv.parseInt("0x1F", base: 10) == nil)
    #expect(GoStrconv.parseInt("-9223372036854775808", base: 10) == Int64.min)
    #expect(GoStrconv.parseInt("9223372036854775808", base: 10) == nil)
    #expect(GoStrconv.parseInt("1_000", base: 10) == nil && GoStrconv.parseInt("1_000") == 1000)
    #expect(GoStrconv.parseInt("+", base: 10) == nil && GoStrconv.parseInt("-", base: 10) == nil)
}
