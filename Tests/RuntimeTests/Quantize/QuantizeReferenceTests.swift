import Foundation
import Testing
import TestSupport
@testable import Runtime

/// ggml's reference quantizations of the rows in Tests/Fixtures/quantize (see its README).
enum QuantizeFixtures {
    static let directory = Golden.repositoryRoot + "/Tests/Fixtures/quantize"
    static let rowLength = 512

    static func input() throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/input-f32.bin"))
        return data.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    static func expected(_ type: GGMLType) throws -> [UInt8] {
        let name = String(describing: type)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/\(name).bin")))
    }
}

@Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K])
func quantizerMatchesGGMLByteForByte(_ type: GGMLType) throws {
    let input = try QuantizeFixtures.input()
    let expected = try QuantizeFixtures.expected(type)
    let actual = try quantizeRow(type, input)
    #expect(actual.count == expected.count)
    let blockCount = min(actual.count, expected.count) / type.blockBytes
    let differing = (0..<blockCount).filter { b in
        actual[b * type.blockBytes ..< (b + 1) * type.blockBytes] != expected[b * type.blockBytes ..< (b + 1) * type.blockBytes]
    }
    let rows = Set(differing.map { $0 * type.blockSize / QuantizeFixtures.rowLength }).sorted()
    #expect(differing.isEmpty, "\(type.name): \(differing.count) of \(blockCount) blocks differ (rows \(rows)), first block \(differing.first ?? -1)")
}

@Test func quantizeRowRejectsPartialBlocksAndUnknownTypes() {
    #expect(throws: QuantizeError.self) { try quantizeRow(.q4_K, [Float](repeating: 1, count: 576)) }
    #expect(throws: QuantizeError.self) { try quantizeRow(.q8_0, [Float](repeating: 1, count: 31)) }
    #expect(throws: QuantizeError.self) { try quantizeRow(.iq2_xxs, [Float](repeating: 1, count: 256)) }
}

@Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K])
func hostileValuesNeverTrap(_ type: GGMLType) throws {
    // NaN, infinities and huge values come from untrusted files; the bytes may be garbage, but no trap.
    var row = [Float](repeating: 0.5, count: 256)
    row[3] = .nan; row[40] = .infinity; row[77] = -.infinity; row[100] = 3e38; row[200] = -3e38
    let bytes = try quantizeRow(type, row)
    #expect(bytes.count == type.rowBytes(elements: 256))
}
