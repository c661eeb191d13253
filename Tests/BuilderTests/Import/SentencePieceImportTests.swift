import Foundation
import Testing
import TestSupport
import ModelfileLang
@testable import Builder
import Runtime

private let fixtures = Golden.repositoryRoot + "/Tests/Fixtures/import"

private func jsonFile(_ name: String) throws -> JSONValue {
    try JSONValue.parse([UInt8](try #require(FileManager.default.contents(atPath: fixtures + "/" + name))))
}

/// A real Mistral 7B folder layout (tokenizer.model, no tokenizer.json) imports to a "llama" vocabulary
/// whose tokenizer encodes a corpus exactly as Python's sentencepiece does with the same file
/// (expected ids: scripts/reference/sentencepiece-encode.py, command in its header).
@Test func mistralSentencePieceImportEncodesLikeSentencePiece() throws {
    let dir = temporaryDirectory("mfc-spm-mistral")
    defer { cleanup(dir) }
    try TinyCheckpoint(architecture: "MistralForCausalLM", vocabulary: 32000).write(to: dir)
    try FileManager.default.copyItem(atPath: try TestModels.mistralSentencePiece(), toPath: dir + "/tokenizer.model")
    try """
    {"add_bos_token":true,"add_eos_token":false,"bos_token":"<s>","eos_token":"</s>","unk_token":"<unk>","pad_token":null,
     "chat_template":"{{ bos_token }}{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"}
    """.write(toFile: dir + "/tokenizer_config.json", atomically: true, encoding: .utf8)
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")

    #expect(g["tokenizer.ggml.model"] == .string("llama") && g["tokenizer.ggml.pre"] == .string("default"))
    let tokens = try #require(g["tokenizer.ggml.tokens"]?.array?.strings())
    let types = try #require(g["tokenizer.ggml.token_type"]?.array?.ints())
    let scores = try #require(g["tokenizer.ggml.scores"]?.array?.floats())
    #expect(tokens.count == 32000 && types.count == 32000 && scores.count == 32000)
    #expect(Array(tokens[0..<4]) == ["<unk>", "<s>", "</s>", "<0x00>"] && Array(types[0..<4]) == [2, 3, 3, 6])
    #expect(tokens[259] == "\u{2581}\u{2581}" && scores[300] == -41)   // values Python's sentencepiece reports
    #expect(g["tokenizer.ggml.bos_token_id"] == .uint32(1) && g["tokenizer.ggml.eos_token_id"] == .uint32(2))
    #expect(g["tokenizer.ggml.unknown_token_id"] == .uint32(0) && g["tokenizer.ggml.padding_token_id"] == nil)
    #expect(g["tokenizer.ggml.add_bos_token"] == .bool(true) && g["tokenizer.ggml.add_eos_token"] == .bool(false))
    #expect(g["tokenizer.ggml.add_space_prefix"] == nil)   // the model adds a dummy prefix: llama.cpp's default

    let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: g))
    let corpus = try #require(try jsonFile("spm-corpus.json").arrayValue?.compactMap(\.stringValue))
    let expected = try #require(try jsonFile("mistral-spm-encodings.json").arrayValue)
    #expect(corpus.count == expected.count && corpus.count > 20)
    for (text, ids) in zip(corpus, expected) {
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: false) == ids.arrayValue?.compactMap(\.intValue), "\(text)")
    }
    #expect(tokenizer.encode("Hello").first == 1)   // add_bos_token
}

/// The same Mistral vocabulary as a tokenizer.json only (as transformers converts SentencePiece: pieces in
/// id order, byte fallback, a "▁" Prepend normalizer, BOS from the post-processor), without tokenizer.model:
/// the import ranks merges by id and still encodes the corpus exactly as sentencepiece does.
@Test func sentencePieceTokenizerJSONWithoutModelEncodesLikeSentencePiece() throws {
    let model = try SentencePieceModel(bytes: [UInt8](try #require(FileManager.default.contents(atPath: try TestModels.mistralSentencePiece()))))
    let dir = temporaryDirectory("mfc-spm-json")
    defer { cleanup(dir) }
    try TinyCheckpoint(architecture: "MistralForCausalLM", vocabulary: 32000).write(to: dir)
    let specials = model.pieces.indices.filter { model.pieces[$0].type == .control || model.pieces[$0].type == .unknown }
    let tokenizer = JSONValue.object([
        ("added_tokens", .array(specials.map { .object([("id", .int($0)), ("content", .string(model.pieces[$0].text)), ("special", .bool(true))]) })),
        ("normalizer", .object([("type", .string("Sequence")), ("normalizers", .array([
            .object([("type", .string("Prepend")), ("prepend", .string("\u{2581}"))]),
            .object([("type", .string("Replace")), ("pattern", .object([("String", .string(" "))])), ("content", .string("\u{2581}"))])]))])),
        ("post_processor", .object([("type", .string("TemplateProcessing")), ("single", .array([
            .object([("SpecialToken", .object([("id", .string("<s>")), ("type_id", .int(0))]))]),
            .object([("Sequence", .object([("id", .string("A")), ("type_id", .int(0))]))])]))])),
        ("model", .object([("type", .string("BPE")), ("byte_fallback", .bool(true)), ("unk_token", .string("<unk>")),
                           ("vocab", .object(model.pieces.enumerated().map { ($1.text, .int($0)) })), ("merges", .array([]))])),
    ])
    try tokenizer.goEncodedString.write(toFile: dir + "/tokenizer.json", atomically: true, encoding: .utf8)
    try "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"unk_token\":\"<unk>\"}".write(toFile: dir + "/tokenizer_config.json", atomically: true, encoding: .utf8)
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")
    #expect(g["tokenizer.ggml.model"] == .string("llama") && g["tokenizer.ggml.add_bos_token"] == .bool(true))
    #expect(g["tokenizer.ggml.tokens"]?.array?.strings() == model.pieces.map(\.text))
    #expect(g["tokenizer.ggml.token_type"]?.array?.ints() == model.pieces.map { Int($0.type.rawValue) })
    #expect(g["tokenizer.ggml.bos_token_id"] == .uint32(1) && g["tokenizer.ggml.eos_token_id"] == .uint32(2))

    let tokenizerOut = try Tokenizer(vocabulary: Vocabulary(gguf: g))
    let corpus = try #require(try jsonFile("spm-corpus.json").arrayValue?.compactMap(\.stringValue))
    let expected = try #require(try jsonFile("mistral-spm-encodings.json").arrayValue)
    for (text, ids) in zip(corpus, expected) {
        #expect(tokenizerOut.encode(text, addSpecial: false, parseSpecial: false) == ids.arrayValue?.compactMap(\.intValue), "\(text)")
    }
}

/// Gemma 3's real vocabulary (262144 pieces with control, user-defined and byte pieces) written as a
/// tokenizer.model by this test, imported, gives back the GGUF's token table and the same encodings.
@Test func gemma3VocabularyRoundTripsThroughTokenizerModel() throws {
    let source = try GGUFFile(path: TestModels.gemma3())
    let tokens = try #require(source["tokenizer.ggml.tokens"]?.array?.strings())
    let scores = try #require(source["tokenizer.ggml.scores"]?.array?.floats())
    let types = try #require(source["tokenizer.ggml.token_type"]?.array?.ints())
    func id(_ key: String) throws -> Int { try #require(source["tokenizer.ggml.\(key)_token_id"]?.int) }

    let dir = temporaryDirectory("mfc-spm-gemma3")
    defer { cleanup(dir) }
    try TinyCheckpoint(architecture: "Gemma3ForCausalLM", vocabulary: tokens.count, hidden: 8, heads: 2,
                       extraConfig: "\"head_dim\":4,\"sliding_window\":64", sandwichNorms: true, qkNorms: true).write(to: dir)
    var proto = ProtobufWriter()
    for i in tokens.indices {
        var piece = ProtobufWriter()
        piece.bytes(1, Array(tokens[i].utf8)); piece.float(2, scores[i]); piece.varint(3, UInt64(types[i]))
        proto.bytes(1, piece.data)
    }
    var trainer = ProtobufWriter()
    trainer.varint(3, 2); trainer.varint(4, UInt64(tokens.count)); trainer.varint(35, 1)
    for (field, key) in [(40, "unknown"), (41, "bos"), (42, "eos"), (43, "padding")] { trainer.varint(field, UInt64(try id(key))) }
    proto.bytes(2, trainer.data)
    var normalizer = ProtobufWriter()
    normalizer.bytes(1, Array("identity".utf8)); normalizer.varint(3, 0); normalizer.varint(4, 0)
    proto.bytes(3, normalizer.data)
    try Data(proto.data).write(to: URL(fileURLWithPath: dir + "/tokenizer.model"))
    try "{\"add_bos_token\":true,\"add_eos_token\":false}".write(toFile: dir + "/tokenizer_config.json", atomically: true, encoding: .utf8)

    let summary = try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    #expect(summary.architecture == "gemma3")
    let g = try GGUFFile(path: dir + "/out.gguf")
    #expect(g["tokenizer.ggml.tokens"]?.array?.strings() == tokens)
    #expect(g["tokenizer.ggml.scores"]?.array?.floats() == scores)
    #expect(g["tokenizer.ggml.token_type"]?.array?.ints() == types)
    for key in ["tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
                "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token",
                "tokenizer.ggml.add_space_prefix"] {
        #expect(g[key] == source[key], "\(key): \(String(describing: g[key])) vs \(String(describing: source[key]))")
    }
    let original = try Tokenizer(vocabulary: Vocabulary(gguf: source))
    let imported = try Tokenizer(vocabulary: Vocabulary(gguf: g))
    let corpus = try #require(try jsonFile("spm-corpus.json").arrayValue?.compactMap(\.stringValue))
    for text in corpus + ["<start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n"] {
        #expect(imported.encode(text) == original.encode(text), "\(text)")
    }
}

/// Truncated or garbage tokenizer.model bytes are refused with an error, never a trap.
@Test func malformedSentencePieceModelsAreRefused() throws {
    let bytes = [UInt8](try #require(FileManager.default.contents(atPath: try TestModels.mistralSentencePiece())))
    let model = try SentencePieceModel(bytes: bytes)
    #expect(model.pieces.count == 32000 && model.modelType == .bpe && model.byteFallback)
    #expect(model.addDummyPrefix && !model.removeExtraWhitespaces && model.normalizerName == "identity")
    #expect((model.bosID, model.eosID, model.unknownID, model.padID) == (1, 2, 0, -1))
    for cut in [1, 2, 1001, bytes.count / 2] {
        #expect(throws: StoreError.self, "cut at \(cut)") { try SentencePieceModel(bytes: Array(bytes[..<cut])) }
    }
    #expect(throws: StoreError.self) { try SentencePieceModel(bytes: [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) }
    #expect(throws: StoreError.self) { try SentencePieceModel(bytes: [0x0f]) }   // wire type 7
    #expect(throws: StoreError.self) { try SentencePieceModel(bytes: []) }       // no pieces
}

/// Protocol Buffers wire format, written by the tests (the reader is the code under test).
struct ProtobufWriter {
    var data: [UInt8] = []

    private mutating func raw(_ value: UInt64) {
        var v = value
        while v >= 0x80 { data.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        data.append(UInt8(v))
    }
    mutating func varint(_ field: Int, _ value: UInt64) { raw(UInt64(field << 3)); raw(value) }
    mutating func float(_ field: Int, _ value: Float) {
        raw(UInt64(field << 3 | 5))
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
    }
    mutating func bytes(_ field: Int, _ value: [UInt8]) { raw(UInt64(field << 3 | 2)); raw(UInt64(value.count)); data += value }
}
