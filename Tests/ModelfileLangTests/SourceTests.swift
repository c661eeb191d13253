import Testing
@testable import ModelfileLang

let utf16Sample = "FROM bob\nPARAMETER param1 1\nPARAMETER param2 4096\nSYSTEM You are a utf16 file. 你好👋\n"

func utf16(_ s: String, bigEndian: Bool) -> [UInt8] {
    var out: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
    for u in s.utf16 {
        let hi = UInt8(u >> 8), lo = UInt8(u & 0xFF)
        out += bigEndian ? [hi, lo] : [lo, hi]
    }
    return out
}

@Test(arguments: [false, true])
func utf16WithBOMParsesLikeUTF8(bigEndian: Bool) {
    let (expected, _) = Modelfile.parse(source: utf16Sample, path: "M")
    let (file, diagnostics) = Modelfile.parse(source: utf16(utf16Sample, bigEndian: bigEndian), path: "M")
    #expect(diagnostics.isEmpty)
    #expect(file.ollamaCommands == expected.ollamaCommands)
    #expect(file.ollamaCommands.count == 4)
    #expect(file.source.encoding == (bigEndian ? .utf16BE : .utf16LE))
}

@Test func utf8BOMIsDropped() {
    let (file, diagnostics) = Modelfile.parse(source: [0xEF, 0xBB, 0xBF] + Array("FROM x\n".utf8), path: "M")
    #expect(diagnostics.isEmpty)
    #expect(file.ollamaCommands == [OllamaCommand(name: "model", args: "x")])
    #expect(file.source.encoding == .utf8BOM)
}

@Test func invalidUTF8BecomesOneReplacementPerMaximalSubpart() {
    // E2 82: a truncated 3-byte sequence (one U+FFFD); F0 9F 98 at the end: one more.
    let file = SourceFile(path: "M", data: [0x61, 0xE2, 0x82, 0x41, 0x80, 0xBF, 0xF0, 0x9F, 0x98])
    #expect(file.text == "a\u{FFFD}A\u{FFFD}\u{FFFD}\u{FFFD}")
}

@Test func invalidUTF8WarnsOncePerRun() {
    // C3 28: a lead byte without its continuation; ED A0 80: an encoded surrogate (3 invalid bytes).
    let bytes = Array("FROM x\nSYSTEM a".utf8) + [0xC3, 0x28, 0xED, 0xA0, 0x80] + [0x0A]
    let (file, diagnostics) = Modelfile.parse(source: bytes, path: "M")
    #expect(file.ollamaCommands.last?.args == "a\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}")
    #expect(diagnostics.map(\.code) == [.invalidUTF8, .invalidUTF8])
    #expect(diagnostics.last?.message == "3 invalid UTF-8 bytes; Ollama reads each as U+FFFD")
    #expect(diagnostics.allSatisfy { $0.severity == .warning })
}

@Test func linesCountLikeAnEditor() {
    let source = SourceFile(path: "M", text: "a\r\nb\rc\nd")
    #expect(source.location(of: 3) == SourceLocation(line: 2, column: 1, offset: 3))
    #expect(source.location(of: 5) == SourceLocation(line: 3, column: 1, offset: 5))
    #expect(source.location(of: 8) == SourceLocation(line: 4, column: 2, offset: 8))
    // Ollama counts CR and LF separately, so CRLF counts twice.
    #expect(source.ollamaLine(at: 3) == 3)
}

@Test func printableMatchesGo() {
    #expect(Printable.isPrint(0x20))
    #expect(!Printable.isPrint(0x09))
    #expect(!Printable.isPrint(0xA0))    // NBSP
    #expect(!Printable.isPrint(0xAD))    // soft hyphen
    #expect(!Printable.isPrint(0x3000))  // ideographic space
    #expect(!Printable.isPrint(0x200D))  // ZWJ
    #expect(!Printable.isPrint(0xE000))  // private use
    #expect(Printable.isPrint(0x4F60))   // 你
    #expect(Printable.isPrint(0x1F44B))  // 👋
    #expect(Printable.isPrint(0xFFFD))
    #expect(!Printable.isPrint(0x1FAE9)) // assigned in Unicode 16, after Go's tables
}

/// Broken UTF-16 decodes as golang.org/x/text does: a lone surrogate is one U+FFFD, two low
/// surrogates in a row are one U+FFFD together, an odd final byte is one more.
@Test func brokenUTF16() {
    let units: [UInt16] = [0x46, 0xD800, 0x41, 0xDC00, 0xDC01, 0xD83D, 0xDC4B]   // F, lone high, A, low+low, 👋
    var bytes: [UInt8] = [0xFF, 0xFE]
    for u in units { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
    bytes.append(0x42)
    let file = SourceFile(path: "M", data: bytes)
    #expect(file.text == "F\u{FFFD}A\u{FFFD}👋\u{FFFD}")
}

/// The table-based Ollama line number equals counting every CR and LF up to and including the offset.
@Test func ollamaLineMatchesCounting() {
    let seed = fuzzSeed(default: 11)
    var rng = SplitMix64(state: seed)
    for _ in 0..<500 {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &rng) { text += ["a", "\r", "\n", "\r\n", "é"].randomElement(using: &rng)! }
        let file = SourceFile(path: "M", text: text)
        for offset in 0...file.bytes.count {
            let naive = 1 + file.bytes[..<min(offset + 1, file.bytes.count)].count { $0 == 0x0A || $0 == 0x0D }
            #expect(file.ollamaLine(at: offset) == naive, "seed \(seed): \(text.debugDescription) at \(offset)")
        }
    }
}
