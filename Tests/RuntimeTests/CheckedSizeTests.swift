import Foundation
import Testing
@testable import Runtime

/// Sizes computed from file data never overflow: shapes whose products pass Int (or the file) are errors.
struct CheckedSizeTests {
    /// A GGUF with one KV and one tensor of the given dimensions (F32, offset 0), padded, with no data.
    static func header(dimensions: [UInt64]) -> Data {
        var b = GGUFBytes()
        b.header(tensors: 1, kvs: 1)
        b.string("general.architecture"); b.u32(8); b.string("llama")
        b.string("w"); b.u32(UInt32(dimensions.count))
        for d in dimensions { b.u64(d) }
        b.u32(0); b.u64(0)
        while b.data.count % 32 != 0 { b.data.append(0) }
        return b.data
    }

    @Test(arguments: [[0, 1 << 36, 1 << 36], [1 << 36, 1 << 36], [0, 1 << 40, 1 << 40, 1 << 40], [1, 0, 1 << 62]] as [[UInt64]])
    func dimensionsWhoseProductPassesIntAreAnError(_ dims: [UInt64]) throws {
        let data = Self.header(dimensions: dims)
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: Array(data)) }
        // Also through the file path that run, build and quantize take.
        try withTemporaryFile(data) { path in
            #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
        }
    }

    @Test func anEmptyTensorWithHugeRowsNamesTheProblem() {
        do { _ = try GGUFFile(bytes: Array(Self.header(dimensions: [0, 1 << 36, 1 << 36]))); Issue.record("accepted") } catch {
            #expect(error.message == "tensor 'w' dimensions [0, 68719476736, 68719476736] describe more elements or rows than the file could hold")
        }
    }

    @Test func checkedShapeCountsElementsAndRows() {
        #expect(checkedShape([4, 3, 2])! == (24, 6))
        #expect(checkedShape([0, 5])! == (0, 5))
        #expect(checkedShape([7])! == (7, 1))
        #expect(checkedShape([0, 1 << 36, 1 << 36]) == nil)
        #expect(checkedShape([1 << 31, 1 << 31, 4]) == nil)
        #expect(checkedShape([3, -1]) == nil)
        #expect(checkedShape([10, 10], limit: 99) == nil)
        #expect(checkedShape([0, 100], limit: 99) == nil)
    }
}
