import Foundation
import Testing
import TestSupport
import Runtime
@testable import Builder

/// Reads a real model with the Runtime's reader and writes it back: the bytes must be identical.
@Test(arguments: ["smol", "gemma"])
func writerRoundTripsRealModelsByteForByte(_ which: String) throws {
    let path = which == "smol" ? try TestModels.smolLM2() : try TestModels.gemma3()
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    let original = try GGUFFile(path: path)
    try GGUFWriter(copying: original).write(to: dir + "/copy.gguf")
    let copy = try MappedFile(path: dir + "/copy.gguf")
    #expect(copy.bytes.count == original.bytes.count)
    #expect(memcmp(copy.bytes.baseAddress!, original.bytes.baseAddress!, min(copy.bytes.count, original.bytes.count)) == 0)
}

@Test func writerProducesTheMinimalFixture() throws {
    var w = GGUFWriter()
    w.metadata = [("general.architecture", .value(.string("test")))]
    let bytes = try w.header()
    #expect(bytes == minimalGGUF())
    #expect(Digest.of(bytes).hex == "89a2116c3a82d6a97f59f748d86ed4417214353fd178ee54df418fde32495fad")
}

/// A small file with every value type, arrays and two tensors, for the fuzzer.
func richGGUF(in dir: String) throws -> [UInt8] {
    let weights = [Float](repeating: 0.5, count: 64)
    return try weights.withUnsafeBytes { raw in
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .value(.string("llama"))), ("a.u8", .value(.uint8(1))), ("a.i8", .value(.int8(-1))),
            ("a.u16", .value(.uint16(2))), ("a.i16", .value(.int16(-2))), ("a.u32", .value(.uint32(3))), ("a.i32", .value(.int32(-3))),
            ("a.f32", .value(.float32(0.5))), ("a.bool", .value(.bool(true))), ("a.u64", .value(.uint64(4))),
            ("a.i64", .value(.int64(-4))), ("a.f64", .value(.float64(0.25))), ("a.strings", .strings(["x", "yz", ""])),
            ("a.ints", .int32s([1, 2, 3])), ("a.floats", .float32s([1.5])),
        ]
        w.tensors = [
            GGUFWriter.Tensor(name: "t0", dimensions: [16, 2], type: .f32, data: UnsafeRawBufferPointer(rebasing: raw[0..<128])),
            GGUFWriter.Tensor(name: "t1", dimensions: [32], type: .f32, data: UnsafeRawBufferPointer(rebasing: raw[128..<256])),
        ]
        try w.write(to: dir + "/rich.gguf")
        let back = try GGUFFile(path: dir + "/rich.gguf")
        #expect(back.metadata.count == 15)
        #expect(back["a.strings"]?.array?.strings() == ["x", "yz", ""])
        #expect(back.tensors.map(\.offset) == [0, 128])
        return [UInt8](try #require(FileManager.default.contents(atPath: dir + "/rich.gguf")))
    }
}

/// Seeded random corruption of the header region (bit flips, byte overwrites with extreme values,
/// truncation): the reader must throw or succeed, never crash or allocate absurdly.
@Test func fuzzedHeadersGiveErrorsNotCrashes() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    let good = try richGGUF(in: dir)
    let headerLength = good.count - 256
    var rng = SplitMix64(seed: 0x6d6663)
    var errors = 0, opened = 0
    for round in 0..<1500 {
        var bytes = good
        switch round % 4 {
        case 0: bytes[Int(rng.next() % UInt64(headerLength))] ^= UInt8(1 << (rng.next() % 8))
        case 1:
            let at = Int(rng.next() % UInt64(headerLength - 8))
            let extreme: [UInt64] = [0, 1, 0xFF, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 13, 1 << 40]
            withUnsafeBytes(of: extreme[Int(rng.next() % UInt64(extreme.count))].littleEndian) { for i in 0..<8 { bytes[at + i] = $0[i] } }
        case 2: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
        default: for _ in 0..<4 { bytes[Int(rng.next() % UInt64(headerLength))] = UInt8(truncatingIfNeeded: rng.next()) }
        }
        let path = dir + "/f.gguf"
        writeBytes(bytes, to: path)
        do {
            let f = try GGUFFile(path: path)
            for t in f.tensors { _ = f.data(of: t).count }
            for (_, v) in f.metadata { if case .array(let a) = v { _ = a.values().count } }
            opened += 1
        } catch { errors += 1 }
    }
    #expect(errors > 500, "most corruptions must be detected (\(errors) errors, \(opened) opened)")
}

