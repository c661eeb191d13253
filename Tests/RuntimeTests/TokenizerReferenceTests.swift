import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Token ids must equal llama.cpp's on the committed corpus (Data/tokens-*.json, made by
/// scripts/reference/make-tokenizer-reference.py), with special-token parsing on and off.
struct TokenizerReferenceTests {
    struct Reference: Decodable {
        struct Case: Decodable { let text: String; let special: [Int]; let plain: [Int] }
        let model: String
        let cases: [Case]
    }

    static func reference(_ name: String) throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/tokens-\(name).json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    static func check(model path: String, reference name: String) throws {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: path)))
        let reference = try reference(name)
        #expect(reference.cases.count >= 30)
        for c in reference.cases {
            #expect(tokenizer.encode(c.text, parseSpecial: true) == c.special, "special: \(c.text.debugDescription)")
            #expect(tokenizer.encode(c.text, parseSpecial: false) == c.plain, "plain: \(c.text.debugDescription)")
        }
    }

    @Test func smolLM2MatchesLlamaCpp() throws {
        try Self.check(model: TestModels.smolLM2(), reference: "smollm2")
    }

    @Test func gemma3MatchesLlamaCpp() throws {
        try Self.check(model: TestModels.gemma3(), reference: "gemma3")
    }
}
