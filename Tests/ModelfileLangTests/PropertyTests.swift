import Foundation
import Testing
@testable import ModelfileLang

/// SplitMix64: a small seeded generator so every run feeds the same inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed of a fuzz test: `MFC_FUZZ_SEED` when set (to replay a failure or try new inputs),
/// else the test's own. Failure messages and the log name it, so any failure can be replayed.
func fuzzSeed(default seed: UInt64, test: String = #function) -> UInt64 {
    let chosen = ProcessInfo.processInfo.environment["MFC_FUZZ_SEED"].flatMap { UInt64($0) } ?? seed
    print("\(test): fuzz seed \(chosen) (replay with MFC_FUZZ_SEED=\(chosen))")
    return chosen
}

/// Pieces that make random inputs look like Modelfiles, including the awkward parts.
let fragments: [String] = [
    "FROM", "from", "PARAMETER", "MESSAGE", "SYSTEM", "TEMPLATE", "LICENSE", "ADAPTER", "REQUIRES", "DRAFT",
    " ", " ", "\t", "\n", "\n", "\r", "\r\n", "\"", "\"\"\"", "#", "user", "system", "USER", "stop", "top_k",
    "temperature", "0.7", "x", "llama3", "1", "-", ":", "é", "\u{A0}", "\u{200B}", "👋", "{{ .Prompt }}", "'", "\\",
]

func randomModelfile(_ rng: inout SplitMix64) -> String {
    var s = ""
    for _ in 0..<Int.random(in: 0...24, using: &rng) { s += fragments.randomElement(using: &rng)! }
    return s
}

/// A realistic file: valid instructions with random values, comments and blank lines.
func generatedModelfile(_ rng: inout SplitMix64) -> String {
    let values = ["llama3", "\"  padded \"", "\"\"\"\nmulti\nline\n\"\"\"", "a \"quoted\" word", "\"\"", "<|im_end|>",
                  "\"\"\"x\"\"\"", "\"a\nb\"", "你好👋", "tab\tinside", "\"tail \""]
    var s = "FROM llama3\n"
    for _ in 0..<Int.random(in: 0...8, using: &rng) {
        switch Int.random(in: 0...5, using: &rng) {
        case 0: s += "# note \(Int.random(in: 0...9, using: &rng))  \n"
        case 1: s += "\n\n"
        case 2: s += "parameter stop \(values.randomElement(using: &rng)!)\n"
        case 3: s += "MESSAGE user \(values.randomElement(using: &rng)!)\n"
        case 4: s += "  system\t\(values.randomElement(using: &rng)!)   \n"
        default: s += "TEMPLATE \(values.randomElement(using: &rng)!)\r\n"
        }
    }
    return s
}

func mutated(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var b = bytes
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let i = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
        switch Int.random(in: 0...2, using: &rng) {
        case 0 where !b.isEmpty: b[i] = UInt8.random(in: 0...255, using: &rng)
        case 1: b.insert([0x22, 0x0A, 0x0D, 0x20, 0x23, 0xC3, 0xFF].randomElement(using: &rng)!, at: i)
        default: if !b.isEmpty { b.remove(at: i) }
        }
    }
    return b
}

/// Parses and, when clean, checks the formatter's promises. Returns whether the input was accepted.
@discardableResult
func expectInvariants(_ bytes: [UInt8]) -> Bool {
    let (file, diagnostics) = Modelfile.parse(source: bytes, path: "M")
    let accepted = !diagnostics.hasErrors && file.parseFileDiagnostics().isEmpty
    let expected = OllamaReference.parse(Array(file.source.text.unicodeScalars))
    #expect(accepted == (expected != nil), "accept/reject differs from Ollama for \(file.source.text.debugDescription)")
    if accepted, let expected {
        #expect(file.ollamaCommands == expected, "commands differ for \(file.source.text.debugDescription)")
    }
    guard !diagnostics.hasErrors else { return accepted }
    if accepted { expectShowRoundTrip(file) }
    let once = Formatter.format(file)
    let (again, againDiagnostics) = Modelfile.parse(source: once, path: "M")
    #expect(!againDiagnostics.hasErrors, "fmt output does not parse: \(once.debugDescription)")
    #expect(again.ollamaCommands == file.ollamaCommands, "fmt changed meaning of \(file.source.text.debugDescription)")
    #expect(Formatter.format(again) == once, "fmt not idempotent on \(file.source.text.debugDescription)")
    let comments = { (m: Modelfile) in m.nodes.compactMap { if case .comment(let c) = $0 { Formatter.trimTrailingBlanks(c.text) } else { nil } } }
    #expect(comments(again) == comments(file), "fmt lost comments")
    return accepted
}

@Test func formatterInvariantsOnGeneratedModelfiles() {
    let seed = fuzzSeed(default: 7)
    var rng = SplitMix64(state: seed)
    var accepted = 0
    for _ in 0..<2_000 where expectInvariants(Array(generatedModelfile(&rng).utf8)) { accepted += 1 }
    #expect(accepted > 1_000)   // the generator must mostly produce valid files, or the test proves little
}

/// 100,000 random and mutated inputs: no crash or hang, the same accept/reject decision and
/// commands as the reference state machine, and the formatter's promises on every clean one.
@Test func randomAndMutatedInputsAgreeWithOllama() {
    let seed = fuzzSeed(default: 42)
    var rng = SplitMix64(state: seed)
    let seeds = ParseCase.all.map { Array($0.input.utf8) } + [Array(generatedModelfile(&rng).utf8)]
    var accepted = 0
    for n in 0..<100_000 {
        let input = n % 2 == 0 ? Array(randomModelfile(&rng).utf8) : mutated(seeds.randomElement(using: &rng)!, &rng)
        if expectInvariants(input) { accepted += 1 }
    }
    #expect(accepted > 5_000)
}

@Test func checkerNeverTrapsAndFixesConverge() {
    let seed = fuzzSeed(default: 9)
    var rng = SplitMix64(state: seed)
    let options = CheckOptions(directory: "/nonexistent", fileSystem: fakeFileSystem([:]),
                               templateFieldReader: { _ in ["Prompt"] })
    for _ in 0..<5_000 {
        let (file, syntax) = Modelfile.parse(source: mutated(Array(generatedModelfile(&rng).utf8), &rng), path: "M")
        let diagnostics = syntax + file.check(options: options)
        let rendered = DiagnosticRenderer.render(diagnostics, source: file.source)
        #expect(diagnostics.isEmpty || !rendered.isEmpty)
        // `mfc lint --fix` converges: a few passes leave nothing more to fix (fixing a keyword
        // can expose errors in the rest of its line, fixed by the next pass).
        var text = file.source.text
        var passes = 0, applied = 1
        while applied > 0 && passes < 5 {
            let (current, currentSyntax) = Modelfile.parse(source: text, path: "M")
            (text, applied) = FixItApplier.apply(currentSyntax + current.check(options: options), to: current.source)
            passes += 1
        }
        #expect(applied == 0, "fix-its do not converge on \(file.source.text.debugDescription)")
    }
}

/// Inputs built to trip quadratic behaviour: a quoted value that never ends, after thousands of
/// lines that each recover from an error; a huge line of invisible characters; long unknown words.
/// Not timed: a superlinear path would make this test run for minutes instead of milliseconds.
@Test func pathologicalInputsStayLinear() {
    let cases: [String] = [
        String(repeating: "SYSTEM \"a\" b\n", count: 20_000),
        "FROM x\nSYSTEM " + String(repeating: "\u{A0}", count: 100_000) + "\n",
        "FROM x\n" + String(repeating: "x", count: 200_000) + " y\n",
        "FROM x\nPARAMETER " + String(repeating: "a", count: 200_000) + " 1\n",
        "FROM x\nSYSTEM \"\"\"" + String(repeating: "\"\" \n", count: 50_000),
        String(repeating: "MESSAGE USER \"\n", count: 20_000),
        "FROM x\nSYSTEM " + String(repeating: "\u{A0}é", count: 100_000) + "\n",
    ]
    for text in cases {
        let (file, syntax) = Modelfile.parse(source: text, path: "M")
        let diagnostics = syntax + file.check(options: CheckOptions(directory: "/", fileSystem: fakeFileSystem([:])))
        let rendered = DiagnosticRenderer.render(diagnostics, source: file.source)
        // At most one short diagnostic (source window, caret, notes: under 500 bytes) per input byte.
        #expect(rendered.utf8.count < 500 * text.utf8.count)
    }
}

/// Ollama's `Modelfile.String()` (our `OllamaCommand.description`) parses back to the same
/// commands whenever the checker's MF1010 test says every value survives it (FROM is printed
/// bare, so it must be a plain one-line value too).
func expectShowRoundTrip(_ file: Modelfile) {
    let commands = file.ollamaCommands
    let printable = commands.allSatisfy { c in
        if c.name == "model" {
            let u = Array(c.args.utf8)
            return !u.isEmpty && !u.contains(0x0A) && !u.contains(0x0D) && u.first != 0x22
                && ![0x20, 0x09].contains(u.first ?? 0) && ![0x20, 0x09].contains(u.last ?? 0)
        }
        let value = c.name == "message" ? OllamaCommand.cutRole(c.args).1 : c.args
        return ShowFormat.roundTrips(value) && !(c.name == "message" && !c.args.contains(": "))
    }
    guard printable else { return }
    let text = commands.map { $0.description + "\n" }.joined()
    let (again, diagnostics) = Modelfile.parse(source: text, path: "M")
    #expect(!diagnostics.hasErrors && again.ollamaCommands == commands, "String() does not round-trip: \(text.debugDescription)")
}
