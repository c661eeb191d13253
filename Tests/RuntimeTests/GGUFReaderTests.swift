import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Builds small GGUF byte strings for edge cases.
struct GGUFBytes {
    var data = Data()
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); data.append(contentsOf: Array(s.utf8)) }
    mutating func header(tensors: UInt64, kvs: UInt64) { data.append(contentsOf: Array("GGUF".utf8)); u32(3); u64(tensors); u64(kvs) }

    /// One KV (architecture) and one 32-element F32 tensor.
    static func tiny() -> Data {
        var b = GGUFBytes()
        b.header(tensors: 1, kvs: 1)
        b.string("general.architecture"); b.u32(8); b.string("test")
        b.string("w"); b.u32(1); b.u64(32); b.u32(0); b.u64(0)
        while b.data.count % 32 != 0 { b.data.append(0) }
        for i in 0..<32 { b.u32(Float(i).bitPattern) }
        return b.data
    }
}

@discardableResult
func withTemporaryFile<R>(_ data: Data, _ body: (String) throws -> R) throws -> R {
    let path = NSTemporaryDirectory() + "mfc-gguf-\(UUID().uuidString).gguf"
    try data.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

@Test func readsSmolLM2Facts() throws {
    let file = try GGUFFile(path: try TestModels.smolLM2())
    #expect(file.version == 3)
    #expect(file.architecture == "llama")
    #expect(file.archValue("block_count")?.int == 30)
    #expect(file.archValue("embedding_length")?.int == 576)
    #expect(file.archValue("attention.head_count_kv")?.int == 3)
    #expect(file["tokenizer.ggml.pre"]?.string == "smollm")
    #expect(file["tokenizer.ggml.tokens"]?.array?.strings()?.count == 49152)
    #expect(file.tensor(named: "output.weight") == nil)   // tied embeddings
    let byType = Dictionary(grouping: file.tensors, by: \.type)
    #expect(byType[.q4_1]?.count == 210)
    #expect(byType[.q4_1]?.reduce(0) { $0 + $1.byteCount } == 66_355_200)
    #expect(byType[.q8_0]?.map(\.name) == ["token_embd.weight"])
    #expect(byType[.f32]?.count == 61)
    #expect(file.tensors.reduce(0) { $0 + $1.byteCount } == 96_576_768)
    #expect(file.tensors.reduce(0) { $0 + $1.elementCount } == 134_515_008)
    let embd = try #require(file.tensor(named: "token_embd.weight"))
    #expect(embd.dimensions == [576, 49152])
    #expect(file.data(of: embd).count == 30_081_024)
}

@Test func readsGemma3Facts() throws {
    let file = try GGUFFile(path: try TestModels.gemma3())
    #expect(file.architecture == "gemma3")
    #expect(file.archValue("attention.key_length")?.int == 256)
    #expect(file["tokenizer.ggml.model"]?.string == "llama")
    #expect(file["tokenizer.ggml.scores"]?.array?.floats()?.count == 262_144)
    let byType = Dictionary(grouping: file.tensors, by: \.type)
    #expect(byType[.q4_K]?.count == 27)
    #expect(byType[.q6_K]?.count == 9)
    #expect(byType[.q5_0]?.reduce(0) { $0 + $1.byteCount } == 43_591_680)
    #expect(file.tensors.reduce(0) { $0 + $1.byteCount } == 246_587_904)
}

@Test func readsTinySyntheticFile() throws {
    try withTemporaryFile(GGUFBytes.tiny()) { path in
        let file = try GGUFFile(path: path)
        let w = try #require(file.tensor(named: "w"))
        #expect(file.dataOffset == 128)   // 101 header bytes padded to 32
        let floats = file.data(of: w).withMemoryRebound(to: Float.self) { Array($0) }
        #expect(floats == (0..<32).map(Float.init))
    }
}

/// Every truncation of a valid file is an error, never a crash.
@Test func everyTruncationIsAnError() throws {
    let full = GGUFBytes.tiny()
    for length in 0..<full.count {
        try withTemporaryFile(full.prefix(length)) { path in
            #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
        }
    }
}

@Test func hostileCountsAreRejectedBeforeAllocating() throws {
    var huge = GGUFBytes()
    huge.header(tensors: 0, kvs: UInt64.max)
    try withTemporaryFile(huge.data) { path in
        #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
    }
    var longString = GGUFBytes()
    longString.header(tensors: 0, kvs: 1)
    longString.u64(1 << 62)
    try withTemporaryFile(longString.data) { path in
        #expect(throws: GGUFError.self) { try GGUFFile(path: path) }
    }
    var badType = GGUFBytes()
    badType.header(tensors: 0, kvs: 1)
    badType.string("k"); badType.u32(99)
    try withTemporaryFile(badType.data) { path in
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: path) }
        #expect(error.message.contains("unknown value type 99"))
    }
}

/// Random single-byte corruptions of the header must never crash the reader.
@Test func corruptedHeadersNeverCrash() throws {
    let full = GGUFBytes.tiny()
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<300 {
        var bytes = full
        let at = Int.random(in: 0..<96, using: &rng)
        bytes[at] = UInt8.random(in: 0...255, using: &rng)
        try withTemporaryFile(bytes) { path in _ = try? GGUFFile(path: path) }
    }
}
