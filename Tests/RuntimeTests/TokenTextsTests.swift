import Testing
@testable import Runtime

/// The packed vocabulary answers as the byte arrays and the dictionary it replaced: texts by id, ids by
/// text, the last id for a text listed twice, nil for a text that is no token.
struct TokenTextsTests {
    @Test func packedTextsAnswerAsArraysAndADictionary() throws {
        var generator = SplitMix64(seed: 2026)
        var texts: [[UInt8]] = [[], [0x61], [0x61, 0x62], [0xFF, 0x00], [0x61]]   // "a" twice: ids 1 and 4
        for _ in 0..<5_000 {
            texts.append((0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        let table = try TokenTexts(texts)
        #expect(table.count == texts.count)
        var expected: [[UInt8]: Int] = [:]
        for (id, text) in texts.enumerated() {
            #expect(table[id] == text, "id \(id) (seed 2026)")
            expected[text] = id
        }
        for (text, id) in expected { #expect(table.id(of: text) == id, "text \(text) (seed 2026)") }
        #expect(expected.count < texts.count, "the texts repeat, so the last-id rule is exercised")
        #expect(table.id(of: [0x62, 0x61, 0x62, 0x61, 0x62, 0x61, 0x62, 0x61, 0x62, 0x61, 0x62, 0x61, 0x62]) == nil)
    }
}
