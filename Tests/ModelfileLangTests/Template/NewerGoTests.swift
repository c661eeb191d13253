import Foundation
import Testing
@testable import ModelfileLang

/// Features of Go newer than the corpus's Go 1.19 that Ollama's builds (Go 1.22+) have:
/// `{{else with}}` (Go 1.23), ranging over an integer (Go 1.22) and short JSON escapes (Go 1.22). Expectations follow Go's
/// documentation for those releases; the corpus cannot check them.
struct NewerGoCase: Sendable, CustomTestStringConvertible {
    let template: String, data: String, expected: String
    var testDescription: String { template }

    static let all: [NewerGoCase] = [
        NewerGoCase(template: "{{with .a}}A{{.}}{{else with .b}}B{{.}}{{else}}none{{end}}", data: #"{"b":2}"#, expected: "B2"),
        NewerGoCase(template: "{{with .a}}A{{.}}{{else with .b}}B{{.}}{{else}}none{{end}}", data: #"{"a":1,"b":2}"#, expected: "A1"),
        NewerGoCase(template: "{{with .a}}A{{.}}{{else with .b}}B{{.}}{{else}}none{{end}}", data: "{}", expected: "none"),
        NewerGoCase(template: "{{range 3}}{{.}},{{end}}", data: "{}", expected: "0,1,2,"),
        NewerGoCase(template: "{{range $i := 2}}[{{$i}}]{{end}}", data: "{}", expected: "[0][1]"),
        NewerGoCase(template: "{{range 0}}x{{else}}empty{{end}}", data: "{}", expected: "empty"),
        NewerGoCase(template: "{{range len .l}}{{.}}{{end}}", data: #"{"l":[7,8]}"#, expected: "01"),
        // Go 1.22 writes \b and \f short in JSON strings (Go 1.19 wrote \u0008 and \u000c).
        NewerGoCase(template: "{{json .s}}", data: #"{"s":"\b\f<"}"#, expected: #""\b\f\u003c""#),
    ]
}

@Test(arguments: NewerGoCase.all)
func newerGoFeatures(_ c: NewerGoCase) throws {
    let t = try Template.parse(c.template, options: .ollama)
    #expect(try t.render(try TemplateValue.decodeJSON(c.data)) == c.expected)
}

@Test func rangeOverIntegerWithTwoVariablesIsAnError() throws {
    let t = try Template.parse("{{range $i, $v := 3}}{{end}}", options: .ollama)
    #expect(throws: TemplateExecError.self) { try t.render(.object([:])) }
}

@Test func deepRecursionStopsInsteadOfCrashing() throws {
    let t = try Template.parse("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", options: .ollama)
    #expect(throws: TemplateExecError.self) { try t.render(.object([:])) }
}

@Test func garbageNeverTraps() {
    // Arbitrary byte soup from template-ish pieces: parse and render must return or throw, never trap.
    let pieces = ["{{", "}}", "{{-", "-}}", "(", ")", "|", "$x", ":=", "=", ".a", ".", "if", "else", "end", "range",
                  "with", "define", "template", "block", "\"s\"", "`r`", "'c'", "1", "-2", "0x", "1e9", "nil", "true",
                  "print", "index", "slice", "len", "eq", "/*", "*/", " ", "\n", "☃", "\\", "2i", "1+2i", "\"é\"",
                  "printf", "\"%v\"", "\"%*d\"", "\"%.3x\"", "\"%[2]q\"", "\"%-08.2f\"", "\"%#U\"", "\"%b\"", "\"%\"", "json", "lt",
                  "html", "js", "urlquery", "call", ".l", ".m", "$", "break", "continue", "9223372036854775807", "0x1p-2"]
    let seed = fuzzSeed(default: 5)
    var rng = SplitMix64(state: seed)
    var options = TemplateOptions.ollama
    options.limits = TemplateLimits(maxOutputBytes: 1 << 20, maxSteps: 100_000)   // a random `range 1e9` stops fast
    let data = TemplateValue.object(["a": .array([.float(1), .string("x")]), "l": .array([.null, .bool(true), .float(-0.5)]),
                                     "m": .object(["k": .array([]), "": .float(1e300)])])
    // MFC_FUZZ_ITERATIONS raises the count for a longer local run.
    let iterations = Int(ProcessInfo.processInfo.environment["MFC_FUZZ_ITERATIONS"] ?? "") ?? 3000
    for _ in 0..<iterations {
        let text = (0..<Int.random(in: 1...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        if let t = try? Template.parse(text, options: options) {
            do {
                _ = try t.render(data)
            } catch {
                #expect(!error.message.isEmpty, "seed \(seed): \(text.debugDescription)")
            }
        }
    }
}

@Test func deepNestingIsAnErrorNotAStackOverflow() {
    let parens = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
    #expect(throws: TemplateParseError.self) { try Template.parse("{{" + parens + "}}") }
    let ifs = String(repeating: "{{if 1}}", count: 5000) + String(repeating: "{{end}}", count: 5000)
    #expect(throws: TemplateParseError.self) { try Template.parse(ifs) }
}

@Test func extremeInputsAreErrorsNotTraps() throws {
    let t = try Template.parse("{{printf \"%*d|%.*f\" -9223372036854775808 1 -9223372036854775808 1.5}}", options: .ollama)
    #expect(try t.render(nil) == "%!(BADWIDTH)1|%!(BADPREC)1.500000")
    let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONDecodingError.self) { try TemplateValue.decodeJSON(nested) }
}
