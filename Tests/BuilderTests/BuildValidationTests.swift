import Foundation
import Testing
import ModelTestSupport
@testable import Builder
@testable import Runtime

/// `mfc build` refuses a model that `mfc run` would refuse, with the same check (ModelValidation, run at
/// build time on every model layer) and a message that names the source and the bad key or tensor.
struct BuildValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let overrides: [(String, GGUFWriter.Value?)]
        var omitted: Set<String> = []
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "head_count 0", overrides: [("llama.attention.head_count", .value(.uint32(0)))],
             message: "llama.attention.head_count is 0"),
        Case(name: "KV heads do not divide heads", overrides: [("llama.attention.head_count_kv", .value(.uint32(3)))],
             message: "llama.attention.head_count_kv (3) does not divide llama.attention.head_count (2)"),
        Case(name: "vocabulary 2^31", overrides: [("llama.vocab_size", .value(.uint32(1 << 31)))],
             message: "llama.vocab_size is 2147483648"),
        Case(name: "bos out of range", overrides: [("tokenizer.ggml.bos_token_id", .value(.uint32(1000)))],
             message: "tokenizer.ggml.bos_token_id is 1000, outside the vocabulary of 32 tokens"),
        Case(name: "eos out of range", overrides: [("tokenizer.ggml.eos_token_id", .value(.uint32(32)))],
             message: "tokenizer.ggml.eos_token_id is 32, outside the vocabulary of 32 tokens"),
        Case(name: "empty vocabulary", overrides: [("tokenizer.ggml.tokens", .strings([]))],
             message: "tokenizer.ggml.tokens is empty"),
        Case(name: "missing tensor", overrides: [], omitted: ["blk.0.attn_k.weight"],
             message: "tensor blk.0.attn_k.weight is missing"),
        Case(name: "2^32-1 blocks", overrides: [("llama.block_count", .value(.uint32(.max)))],
             message: "llama.block_count is 4294967295, but the file has only 20 tensors"),
        Case(name: "rms epsilon 0", overrides: [("llama.attention.layer_norm_rms_epsilon", .value(.float32(0)))],
             message: "llama.attention.layer_norm_rms_epsilon is 0.0, expected a positive number"),
    ]

    @Test(arguments: cases)
    func buildRefusesNamingTheSourceAndTheKey(_ c: Case) throws {
        let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
        defer { cleanup(dir) }
        var model = TinyModel()
        model.overrides = c.overrides
        model.omitted = c.omitted
        try model.write(to: dir + "/model.gguf")
        do {
            _ = try ModelBuilder(store: store).build(modelfile: "FROM ./model.gguf\n", directory: dir, as: ModelName(parsing: "bad"))
            Issue.record("built a model with \(c.name)")
        } catch {
            #expect(error.message.hasPrefix("model.gguf: " + c.message), "\(error.message)")
            #expect(!error.message.contains(dir + "/store"), "names a blob: \(error.message)")
        }
        #expect(store.manifestBytes(ModelName(parsing: "bad")) == nil)
    }

    @Test func theTinyModelBuilds() throws {
        let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
        defer { cleanup(dir) }
        try TinyModel().write(to: dir + "/model.gguf")
        _ = try ModelBuilder(store: store).build(modelfile: "FROM ./model.gguf\n", directory: dir, as: ModelName(parsing: "good"))
        #expect(store.manifestBytes(ModelName(parsing: "good")) != nil)
    }

    /// A config.json size that does not fit GGUF's u32 keys is refused by name, not clamped to 2^32-1.
    @Test func aSafetensorsConfigWithTooManyLayersIsRefused() throws {
        let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
        defer { cleanup(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/hf", withIntermediateDirectories: true)
        var checkpoint = TinyCheckpoint()
        checkpoint.extraConfig = "\"num_hidden_layers\":1000000000000"
        try checkpoint.write(to: dir + "/hf")
        try """
        {"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[]},"added_tokens":[]}
        """.write(toFile: dir + "/hf/tokenizer.json", atomically: true, encoding: .utf8)
        do {
            _ = try ModelBuilder(store: store).build(modelfile: "FROM ./hf\n", directory: dir, as: ModelName(parsing: "hf"))
            Issue.record("built a config with 10^12 layers")
        } catch {
            #expect(error.message.contains("num_hidden_layers is 1000000000000, expected a whole number from 0 to 4294967295"), "\(error.message)")
        }
    }

    /// Safetensors shapes whose element or byte counts pass Int are errors, not traps.
    @Test(arguments: [("F64", "2305843009213693952"), ("F32", "2147483648,2147483648"), ("F16", "0,4611686018427387904,4")])
    func safetensorsShapesThatOverflowAreErrors(_ dtype: String, _ shape: String) throws {
        let dir = temporaryDirectory()
        defer { cleanup(dir) }
        var header = Array("{\"w\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[0,0]}}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        writeBytes(withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header, to: dir + "/model.safetensors")
        do { _ = try SafetensorsFile(path: dir + "/model.safetensors"); Issue.record("accepted shape [\(shape)]") } catch {
            #expect(error.message.contains("more \(dtype) values than the file could hold"), "\(error.message)")
        }
    }
}
