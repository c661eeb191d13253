import Foundation
import Testing
import TestSupport
import ModelfileLang
@testable import Builder
import Runtime

/// Writes a safetensors file: tensors as (name, dtype, HF shape, bytes), header padded to 8 bytes.
func writeSafetensors(_ tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])], to path: String) throws {
    var offset = 0
    var entries: [String] = []
    for t in tensors {
        entries.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
        offset += t.bytes.count
    }
    var header = Array(("{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}").utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var file = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
    for t in tensors { file += t.bytes }
    try Data(file).write(to: URL(fileURLWithPath: path))
}

/// A JSON string literal (Go's encoder escapes <, > and &, which JSON readers accept).
private func jsonString(_ s: String) -> String { JSONValue.string(s).goEncodedString }

/// SmolLM2 (mfc's F16) exported to Hugging Face layout the way transformers stores it: HF names,
/// row-major shapes, Q/K rows in HF's half-split RoPE order, two shards with an index, tied lm_head
/// omitted, tokenizer.json with the vocabulary, merges and special tokens.
func exportSmolLM2(_ f16: GGUFFile, to dir: String) throws {
    let heads = try #require(f16.archValue("attention.head_count")?.int)
    let kvHeads = try #require(f16.archValue("attention.head_count_kv")?.int)
    func hfName(_ name: String) -> String {
        let global = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight"]
        if let g = global[name] { return g }
        let parts = name.split(separator: ".").map(String.init)   // blk N base weight
        let base = ["attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
                    "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
                    "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"][parts[2]] ?? "?"
        return "model.layers.\(parts[1]).\(base).weight"
    }
    var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
    for t in f16.tensors {
        var bytes = Array(f16.data(of: t))
        let n = t.name.hasSuffix("attn_q.weight") ? heads : t.name.hasSuffix("attn_k.weight") ? kvHeads : 0
        if n > 0 {   // GGUF row h·d + 2i + j holds HF row h·d + j·d/2 + i
            let rowBytes = t.dimensions[0] * 2, rows = t.dimensions[1], d = rows / n
            var hf = bytes
            for r in 0..<rows {
                let (h, i, j) = (r / d, (r % d) / 2, r % 2)
                let target = h * d + j * (d / 2) + i
                hf.replaceSubrange(target * rowBytes ..< (target + 1) * rowBytes, with: bytes[r * rowBytes ..< (r + 1) * rowBytes])
            }
            bytes = hf
        }
        tensors.append((hfName(t.name), t.type == .f32 ? "F32" : "F16", Array(t.dimensions.reversed()), bytes))
    }
    let half = tensors.count / 2
    try writeSafetensors(Array(tensors[..<half]), to: dir + "/model-00001-of-00002.safetensors")
    try writeSafetensors(Array(tensors[half...]), to: dir + "/model-00002-of-00002.safetensors")
    let map = tensors.enumerated().map { "\"\($1.name)\":\"model-0000\($0 < half ? 1 : 2)-of-00002.safetensors\"" }
    try ("{\"metadata\":{},\"weight_map\":{" + map.joined(separator: ",") + "}}").write(toFile: dir + "/model.safetensors.index.json", atomically: true, encoding: .utf8)

    func a(_ key: String) throws -> Int { try #require(f16.archValue(key)?.int) }
    let config = """
    {"architectures":["LlamaForCausalLM"],"hidden_size":\(try a("embedding_length")),"intermediate_size":\(try a("feed_forward_length")),
     "num_hidden_layers":\(try a("block_count")),"num_attention_heads":\(heads),"num_key_value_heads":\(kvHeads),
     "max_position_embeddings":\(try a("context_length")),"rms_norm_eps":1e-05,"rope_theta":100000.0,"tie_word_embeddings":true,
     "vocab_size":\(try a("vocab_size")),"bos_token_id":1,"eos_token_id":2,"torch_dtype":"bfloat16"}
    """
    try config.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)

    let tokens = try #require(f16["tokenizer.ggml.tokens"]?.array?.strings())
    let types = try #require(f16["tokenizer.ggml.token_type"]?.array?.ints())
    let merges = try #require(f16["tokenizer.ggml.merges"]?.array?.strings())
    let vocab = tokens.enumerated().map { "\(jsonString($1)):\($0)" }.joined(separator: ",")
    let added = tokens.indices.filter { types[$0] == 3 }.map { "{\"id\":\($0),\"content\":\(jsonString(tokens[$0])),\"special\":true}" }
    let tokenizer = "{\"version\":\"1.0\",\"added_tokens\":[\(added.joined(separator: ","))],"
        + "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Digits\",\"individual_digits\":true},{\"type\":\"ByteLevel\",\"add_prefix_space\":false}]},"
        + "\"model\":{\"type\":\"BPE\",\"vocab\":{\(vocab)},\"merges\":[\(merges.map(jsonString).joined(separator: ","))]}}"
    try tokenizer.write(toFile: dir + "/tokenizer.json", atomically: true, encoding: .utf8)
    let template = try #require(f16["tokenizer.chat_template"]?.string)
    let tokenizerConfig = "{\"add_bos_token\":false,\"bos_token\":\(jsonString(tokens[1])),\"eos_token\":\(jsonString(tokens[2])),"
        + "\"unk_token\":\(jsonString(tokens[0])),\"pad_token\":\(jsonString(tokens[2])),\"chat_template\":\(jsonString(template))}"
    try tokenizerConfig.write(toFile: dir + "/tokenizer_config.json", atomically: true, encoding: .utf8)
}

/// SmolLM2's weights exported to safetensors import back to the same tensors (bytes, types, shapes,
/// so the Q/K permutation and naming are right) and the same hyperparameters and tokenizer.
@Test func smolLM2SafetensorsImportMatchesTheGGUF() throws {
    let dir = temporaryDirectory("mfc-import")
    defer { cleanup(dir) }
    try GGUFQuantizer.quantize(GGUFFile(path: TestModels.smolLM2()), to: .f16, outputPath: dir + "/f16.gguf", threads: 2)
    let f16 = try GGUFFile(path: dir + "/f16.gguf")
    let hf = dir + "/SmolLM2-hf"
    try FileManager.default.createDirectory(atPath: hf, withIntermediateDirectories: true)
    try exportSmolLM2(f16, to: hf)

    let summary = try SafetensorsImporter.importFolder(hf, to: dir + "/imported.gguf")
    #expect(summary.architecture == "llama" && summary.tensorCount == f16.tensors.count)
    let imported = try GGUFFile(path: dir + "/imported.gguf")
    #expect(imported.tensors.map(\.name) == f16.tensors.map(\.name))
    for t in f16.tensors {
        let i = try #require(imported.tensor(named: t.name))
        #expect(i.type == t.type && i.dimensions == t.dimensions, "\(t.name)")
        #expect(imported.data(of: i).elementsEqual(f16.data(of: t)), "\(t.name) bytes differ")
    }
    for key in ["general.architecture", "llama.block_count", "llama.context_length", "llama.embedding_length",
                "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv",
                "llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base", "llama.rope.dimension_count",
                "llama.vocab_size", "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
                "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
                "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
                "tokenizer.ggml.add_bos_token", "tokenizer.chat_template"] {
        #expect(imported[key] == f16[key], "\(key): \(String(describing: imported[key])) vs \(String(describing: f16[key]))")
    }
    // And the runtime computes the same logits from both files.
    let tokens: [Int32] = [1, 504, 3458, 282, 2]
    let viaGGUF = try LlamaModel(gguf: f16, contextLength: 16, threads: 2).forward(tokens: tokens, startPosition: 0, allLogits: true)
    let viaImport = try LlamaModel(gguf: imported, contextLength: 16, threads: 2).forward(tokens: tokens, startPosition: 0, allLogits: true)
    #expect(viaGGUF.count == tokens.count * 49152)
    #expect(viaImport == viaGGUF)
}

@Test func unsupportedArchitectureAndMissingFilesAreNamed() throws {
    let dir = temporaryDirectory("mfc-import-bad")
    defer { cleanup(dir) }
    #expect(throws: StoreError("missing config.json in \(dir)")) { try SafetensorsImporter.importFolder(dir, to: dir + "/x.gguf") }
    try "{\"architectures\":[\"FalconForCausalLM\"]}".write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
    try writeSafetensors([("model.embed_tokens.weight", "F32", [2, 2], [UInt8](repeating: 0, count: 16))], to: dir + "/model.safetensors")
    let error = #expect(throws: StoreError.self) { try SafetensorsImporter.importFolder(dir, to: dir + "/x.gguf") }
    #expect(error?.message.hasPrefix("unsupported architecture \"FalconForCausalLM\"") == true)
    // A header that points outside the file is refused before any data is read.
    try writeSafetensors([("w", "F32", [4, 4], [UInt8](repeating: 0, count: 16))], to: dir + "/bad.safetensors")
    #expect(throws: StoreError.self) { try SafetensorsFile(path: dir + "/bad.safetensors") }
}

/// `FROM ./folder` with a safetensors checkpoint: imported once, then CACHED while the folder is unchanged.
@Test func buildFromSafetensorsFolderImportsOnceAndCaches() throws {
    let dir = temporaryDirectory("mfc-import-build"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    try GGUFQuantizer.quantize(GGUFFile(path: TestModels.smolLM2()), to: .f16, outputPath: dir + "/f16.gguf", threads: 2)
    let f16 = try GGUFFile(path: dir + "/f16.gguf")
    try FileManager.default.createDirectory(atPath: dir + "/SmolLM2-hf", withIntermediateDirectories: true)
    try exportSmolLM2(f16, to: dir + "/SmolLM2-hf")
    let builder = ModelBuilder(store: store, clock: laterClock), name = ModelName(parsing: "smol-hf")

    let first = try builder.build(modelfile: "FROM ./SmolLM2-hf\n", directory: dir, as: name)
    #expect(first.steps.first?.status == .done)
    let layer = try #require(try store.manifest(name)?.layers(ofType: MediaType.model).first)
    #expect(layer.from == "SmolLM2-hf")
    let blob = try GGUFFile(path: store.blobs.path(of: layer.digest))
    #expect(blob.architecture == "llama" && blob.tensors.count == f16.tensors.count)

    let second = try builder.build(modelfile: "FROM ./SmolLM2-hf\nSYSTEM hi\n", directory: dir, as: name)
    #expect(second.steps.first?.status == .cached)
    #expect(try store.manifest(name)?.layers(ofType: MediaType.model).first?.digest == layer.digest)

    // FROM one shard file, as tutorials write it, imports its folder: the same model layer.
    let shard = try #require(try FileManager.default.contentsOfDirectory(atPath: dir + "/SmolLM2-hf").first { $0.hasSuffix(".safetensors") })
    let fromShard = ModelName(parsing: "smol-shard")
    let shardBuild = try builder.build(modelfile: "FROM ./SmolLM2-hf/\(shard)\n", directory: dir, as: fromShard)
    #expect(try store.manifest(fromShard)?.layers(ofType: MediaType.model).first?.digest == layer.digest)
    // ... and says so: the note names the file and the folder it stands for.
    #expect(shardBuild.notes == ["FROM ./SmolLM2-hf/\(shard) imports its whole folder ./SmolLM2-hf (config.json, the tokenizer "
                                 + "and every safetensors shard), not only this file; FROM ./SmolLM2-hf says the same"])
    #expect(first.notes.isEmpty, "FROM the folder needs no note")
    // A .safetensors file outside a model folder names what is missing.
    try FileManager.default.copyItem(atPath: dir + "/SmolLM2-hf/" + shard, toPath: dir + "/loose.safetensors")
    let error = #expect(throws: StoreError.self) { try builder.build(modelfile: "FROM ./loose.safetensors\n", directory: dir, as: fromShard) }
    #expect(error?.message.contains("has no config.json") == true, "\(String(describing: error))")
}
