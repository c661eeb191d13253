import Testing
import ModelTestSupport
import TestSupport
@testable import Runtime

/// A model file whose metadata or tensors cannot describe a runnable model is refused by
/// `ModelValidation.check` (what `mfc build` runs) and by loading (what `mfc run` does), with a message
/// that names the key or tensor.
struct ModelValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let overrides: [(String, GGUFValue?)]
        var omitted: Set<String> = []
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "head_count 0", overrides: [("llama.attention.head_count", .uint32(0))],
             message: "llama.attention.head_count is 0, expected at least 1"),
        Case(name: "head_count a string", overrides: [("llama.attention.head_count", .string("9"))],
             message: "llama.attention.head_count is a string, expected an integer"),
        Case(name: "head_count missing", overrides: [("llama.attention.head_count", nil)],
             message: "llama.attention.head_count is missing"),
        Case(name: "KV heads do not divide heads", overrides: [("llama.attention.head_count", .uint32(3)), ("llama.attention.head_count_kv", .uint32(2))],
             message: "llama.attention.head_count_kv (2) does not divide llama.attention.head_count (3)"),
        Case(name: "vocabulary 2^31", overrides: [("llama.vocab_size", .uint32(1 << 31))],
             message: "llama.vocab_size is 2147483648, expected at least 1"),
        Case(name: "vocabulary disagrees with the embeddings", overrides: [("llama.vocab_size", .uint32(40))],
             message: "llama.vocab_size is 40, but token_embd.weight has 32 rows"),
        Case(name: "bos out of range", overrides: [("tokenizer.ggml.bos_token_id", .uint32(32))],
             message: "tokenizer.ggml.bos_token_id is 32, outside the vocabulary of 32 tokens"),
        Case(name: "eos out of range", overrides: [("tokenizer.ggml.eos_token_id", .int32(-1))],
             message: "tokenizer.ggml.eos_token_id is -1, outside the vocabulary of 32 tokens"),
        Case(name: "2^32-1 blocks", overrides: [("llama.block_count", .uint32(.max))],
             message: "llama.block_count is 4294967295, but the file has only 20 tensors"),
        Case(name: "missing tensor", overrides: [], omitted: ["blk.1.ffn_down.weight"],
             message: "tensor blk.1.ffn_down.weight is missing"),
        Case(name: "rms epsilon 0", overrides: [("llama.attention.layer_norm_rms_epsilon", .float32(0))],
             message: "llama.attention.layer_norm_rms_epsilon is 0.0, expected a positive number"),
        Case(name: "rms epsilon negative", overrides: [("llama.attention.layer_norm_rms_epsilon", .float32(-1e-5))],
             message: "llama.attention.layer_norm_rms_epsilon is -"),
        Case(name: "rope base 0", overrides: [("llama.rope.freq_base", .float32(0))],
             message: "llama.rope.freq_base is 0.0, expected a positive number"),
        Case(name: "rope base NaN", overrides: [("llama.rope.freq_base", .float32(.nan))],
             message: "llama.rope.freq_base is nan, expected a positive number"),
        Case(name: "rope base infinite", overrides: [("llama.rope.freq_base", .float64(.infinity))],
             message: "llama.rope.freq_base is inf, expected a positive number"),
        Case(name: "RoPE wider than a head", overrides: [("llama.rope.dimension_count", .uint32(18))],
             message: "llama.rope.dimension_count is 18, expected 0 to 16"),
        Case(name: "head wider than the tensors", overrides: [("llama.attention.key_length", .uint32(32))],
             message: "tensor blk.0.attn_q.weight has shape [32, 32], expected [32, 64]"),
    ]

    @Test(arguments: cases)
    func refusedNamingTheKeyOrTensor(_ c: Case) throws {
        var model = TinyModel()
        model.overrides = c.overrides.map { ($0.0, $0.1.map { GGUFWriter.Value.value($0) }) }
        model.omitted = c.omitted
        let file = try model.file()
        do {
            try ModelValidation.check(file)
            Issue.record("\(c.name) was accepted")
        } catch {
            #expect(error.description.hasPrefix(c.message), "\(error.description)")
        }
        // Loading for a run refuses it too (the tokenizer checks the special ids).
        let loaded = Result { () throws in
            let vocabulary = try Vocabulary(gguf: file)
            let engine = try LlamaModel(gguf: file, contextLength: 8, threads: 1)
            try ModelValidation.checkFit(vocabulary, engine.config)
        }
        #expect(throws: (any Error).self) { try loaded.get() }
    }

    @Test func emptyVocabularyIsRefused() throws {
        var model = TinyModel()
        model.overrides = [("tokenizer.ggml.tokens", .strings([]))]
        #expect(Self.failure(model) == "tokenizer.ggml.tokens is empty")
    }

    @Test func aTokenizerSmallerThanTheModelIsRefused() throws {
        var model = TinyModel()
        model.overrides = [("tokenizer.ggml.tokens", .strings((0..<31).map { "t\($0)" }))]
        #expect(Self.failure(model) == "tokenizer.ggml.tokens has 31 tokens, but the model's vocabulary (token_embd.weight) has 32")
    }

    /// The build checks the tokenizer keys without building the vocabulary; loading builds it. Both
    /// refuse the same files with the same message.
    @Test(arguments: [
        ([("tokenizer.ggml.model", GGUFWriter.Value.value(.string("wordpiece")))], "unsupported tokenizer model 'wordpiece'"),
        ([("tokenizer.ggml.tokens", .int32s(Array(repeating: 1, count: 32)))], "tokenizer.ggml.tokens is missing or not a string array"),
        ([("tokenizer.ggml.merges", .strings([]))], "tokenizer.ggml.merges is missing for a BPE vocabulary"),
        ([("tokenizer.ggml.merges", .int32s([1]))], "tokenizer.ggml.merges is missing for a BPE vocabulary"),
        ([("tokenizer.ggml.scores", .float32s(Array(repeating: 0, count: 31)))], "31 scores for 32 tokens"),
        ([("tokenizer.ggml.token_type", .int32s(Array(repeating: 1, count: 33)))], "33 token types for 32 tokens"),
        ([("tokenizer.ggml.padding_token_id", .value(.string("0")))], "tokenizer.ggml.padding_token_id is not an integer"),
    ] as [([(String, GGUFWriter.Value)], String)])
    func tokenizerKeysAreRefusedAsLoadingRefusesThem(_ overrides: [(String, GGUFWriter.Value)], _ message: String) throws {
        var model = TinyModel()
        model.overrides = overrides
        let file = try model.file()
        let built = Self.failure(model)
        #expect(built?.hasPrefix(message) == true, "\(built ?? "accepted")")
        do { _ = try Vocabulary(gguf: file); Issue.record("loading accepted it") } catch {
            #expect(error.message == built, "\(error.message)")
        }
    }

    /// Scores and types of another element type are ignored, as loading ignores them.
    @Test func numberArraysOfAnotherTypeAreIgnored() throws {
        var model = TinyModel()
        model.overrides = [("tokenizer.ggml.scores", .strings(["x"])), ("tokenizer.ggml.token_type", .float32s([1]))]
        #expect(Self.failure(model) == nil)
        #expect(try Vocabulary(gguf: model.file()).count == 32)
    }

    static func failure(_ model: TinyModel) -> String? {
        do { try ModelValidation.check(model.file()); return nil } catch { return "\(error)" }
    }

    @Test func theTinyModelAndTheRealModelsPass() throws {
        try ModelValidation.check(TinyModel().file())
        try ModelValidation.check(GGUFFile(path: TestModels.smolLM2()))
        try ModelValidation.check(GGUFFile(path: TestModels.gemma3()))
    }
}
