import Foundation
import Testing
import TestSupport
@testable import Runtime

/// A one-layer llama with 256-wide rows and seeded random F32 weights, written to a temporary GGUF.
struct TinyLlamaFixture {
    let path: String
    let weights: [String: [Float]]

    static let shapes: [(String, [Int])] = [
        ("token_embd.weight", [256, 16]), ("output_norm.weight", [256]),
        ("blk.0.attn_norm.weight", [256]), ("blk.0.attn_q.weight", [256, 256]), ("blk.0.attn_k.weight", [256, 128]),
        ("blk.0.attn_v.weight", [256, 128]), ("blk.0.attn_output.weight", [256, 256]), ("blk.0.ffn_norm.weight", [256]),
        ("blk.0.ffn_gate.weight", [256, 512]), ("blk.0.ffn_up.weight", [256, 512]), ("blk.0.ffn_down.weight", [512, 256]),
    ]

    init(name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-\(name)-\(getpid()).gguf").path
        var state: UInt64 = 42
        func next() -> Float {   // uniform in [-0.05, 0.05): weight-like magnitudes
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) / 10
        }
        var weights: [String: [Float]] = [:]
        for (name, dims) in Self.shapes { weights[name] = (0..<dims.reduce(1, *)).map { _ in next() } }
        self.weights = weights
        let metadata: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string("llama")), ("general.file_type", .uint32(0)),
            ("llama.block_count", .uint32(1)), ("llama.attention.head_count", .uint32(4)),
            ("llama.attention.head_count_kv", .uint32(2)), ("llama.embedding_length", .uint32(256)),
        ]
        let outputs = Self.shapes.map { GGUFOutputTensor(name: $0.0, dimensions: $0.1, type: .f32, byteCount: 4 * $0.1.reduce(1, *)) }
        var bytes = GGUFWriter.header(metadata: metadata, tensors: outputs, alignment: 32)
        for (name, _) in Self.shapes {
            for v in weights[name] ?? [] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            bytes.append(contentsOf: repeatElement(0, count: padded(bytes.count, to: 32) - bytes.count))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

@Test func quantizedFileHasPolicyTypesAndReferenceBytes() throws {
    let fixture = try TinyLlamaFixture(name: "q4km")
    let outPath = fixture.path + ".q4_K_M"
    defer { try? FileManager.default.removeItem(atPath: fixture.path); try? FileManager.default.removeItem(atPath: outPath) }
    try GGUFQuantizer.quantize(GGUFFile(path: fixture.path), to: .q4_K_M, outputPath: outPath, threads: 2)
    let out = try GGUFFile(path: outPath)

    // llama.cpp order, and the Q4_K_M mixture for a one-layer model (tied embeddings → Q6_K).
    #expect(out.tensors.map(\.name) == TensorTypePolicy.llamaCppOrder(TinyLlamaFixture.shapes.map(\.0)).map { TinyLlamaFixture.shapes[$0].0 })
    let types = Dictionary(uniqueKeysWithValues: out.tensors.map { ($0.name, $0.type) })
    #expect(types["token_embd.weight"] == .q6_K)
    #expect(types["blk.0.attn_v.weight"] == .q6_K && types["blk.0.ffn_down.weight"] == .q6_K)
    #expect(types["blk.0.attn_q.weight"] == .q4_K && types["blk.0.ffn_up.weight"] == .q4_K)
    #expect(types["blk.0.attn_norm.weight"] == .f32)

    for tensor in out.tensors {
        let source = try #require(fixture.weights[tensor.name])
        let expected = try quantizeRow(tensor.type, source)
        #expect(Array(out.data(of: tensor)) == expected, "\(tensor.name) bytes differ from quantizeRow")
        #expect(tensor.offset % 32 == 0)
    }
    #expect(out["general.file_type"] == .uint32(15))
    #expect(out.metadata.suffix(2).map(\.key) == ["general.quantization_version", "general.file_type"])
    #expect(out["llama.attention.head_count_kv"] == .uint32(2))
}

@Test func threadCountDoesNotChangeTheBytes() throws {
    let fixture = try TinyLlamaFixture(name: "threads")
    defer { try? FileManager.default.removeItem(atPath: fixture.path) }
    var files: [Data] = []
    for threads in [1, 2, 3] {
        let outPath = fixture.path + ".t\(threads)"
        try GGUFQuantizer.quantize(GGUFFile(path: fixture.path), to: .q3_K_M, outputPath: outPath, threads: threads)
        files.append(try Data(contentsOf: URL(fileURLWithPath: outPath)))
        try? FileManager.default.removeItem(atPath: outPath)
    }
    #expect(files[0] == files[1] && files[1] == files[2])
}

@Test func alreadyQuantizedSourceIsRefusedWithoutAllowRequantize() throws {
    let model = try GGUFFile(path: TestModels.smolLM2())
    let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-refuse-\(getpid()).gguf").path
    defer { try? FileManager.default.removeItem(atPath: outPath) }
    let error = #expect(throws: QuantizeError.self) {
        try GGUFQuantizer.quantize(model, to: .q8_0, outputPath: outPath)
    }
    #expect(error?.message.contains("already quantized (Q4_1)") == true)
    #expect(error?.message.contains("--allow-requantize") == true)
    // Nothing is left behind, not even the partial file.
    #expect(!FileManager.default.fileExists(atPath: outPath) && !FileManager.default.fileExists(atPath: outPath + ".partial"))
}
