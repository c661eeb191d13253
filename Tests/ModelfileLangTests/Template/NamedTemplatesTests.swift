import Foundation
import Testing
@testable import ModelfileLang

/// Plain O(n·m) Levenshtein, the definition the banded one must agree with.
private func naive(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    var prev = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return a.isEmpty ? b.count : prev[b.count]
}

@Test func bandedLevenshteinAgreesWithTheDefinition() {
    var rng = SystemRandomNumberGenerator()
    let alphabet = Array("ab☃c".unicodeScalars)
    for _ in 0..<300 {
        let a = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
        let b = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
        let d = naive(a, b)
        for limit in 0...8 {
            let banded = NamedTemplates.levenshtein(a, b, atMost: limit)
            #expect(banded == (d <= limit ? d : nil), "\(a) \(b) limit \(limit)")
        }
    }
}

@Test func namedTemplateMatchingFollowsOllama() throws {
    let dir = NSTemporaryDirectory() + "mfc-named-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let base = String(repeating: "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}", count: 2)
    let index = #"[{"name":"first","template":"\#(base.replacingOccurrences(of: "\n", with: "\\n"))"},"#
        + #"{"name":"second","template":"\#(base.replacingOccurrences(of: "\n", with: "\\n"))"}]"#
    try index.write(toFile: dir + "/index.json", atomically: true, encoding: .utf8)
    try "{{ .Prompt }}\r\nx".write(toFile: dir + "/first.gotmpl", atomically: true, encoding: .utf8)
    try #"{"stop":["<|im_end|>"],"temperature":0.1}"#.write(toFile: dir + "/first.json", atomically: true, encoding: .utf8)
    let named = try NamedTemplates(directory: dir)
    // A tie goes to the first entry; CRLF becomes LF; only "stop" is kept.
    let m = try named.match(chatTemplate: base + "xyz")
    #expect(m == NamedTemplates.Match(name: "first", template: "{{ .Prompt }}\nx", stop: ["<|im_end|>"], distance: 3))
    // 100 edits away is too far.
    #expect(try named.match(chatTemplate: base + String(repeating: "!", count: 100)) == nil)
    #expect(try named.match(chatTemplate: base + String(repeating: "!", count: 99))?.distance == 99)
}
