import Foundation
import Testing
@testable import Runtime

/// The hand-written pre-tokenizer scanners split like the real regexes (Python `regex`, see
/// scripts/reference/make-pretokenizer-splits.py) for every supported family.
struct PreTokenizerTests {
    static let expected: [String: [String: [String]]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/pretokenizer-splits.json")
        return (try? JSONDecoder().decode([String: [String: [String]]].self, from: Data(contentsOf: url))) ?? [:]
    }()

    @Test(arguments: ["gpt-2", "llama-bpe", "qwen2", "smollm", "default", "deepseek-coder"])
    func splitsLikeTheRegex(_ name: String) throws {
        let cases = try #require(Self.expected[name])
        #expect(cases.count >= 7)
        let pre = try PreTokenizer(named: name)
        for (text, pieces) in cases {
            let scalars = Array(text.unicodeScalars)
            let got = pre.split(scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
            #expect(got == pieces, "\(name): \(text.debugDescription)")
        }
    }

    @Test func unknownPreTokenizerIsAnError() {
        #expect(throws: TokenizerError.self) { try PreTokenizer(named: "no-such-pre") }
    }
}
