import Foundation
import Runtime

/// GGUF metadata from config.json (hyperparameters) for the supported architectures.
enum HFModelMetadata {
    static func keys(config: JSONValue, architecture arch: HFArchitecture, name: String) throws(StoreError) -> [(key: String, value: GGUFValue)] {
        func int(_ key: String) -> Int? { config[key]?.intValue }
        func require(_ key: String) throws(StoreError) -> Int {
            guard let v = int(key), v > 0 else { throw StoreError("config.json: missing or invalid \(key)") }
            return v
        }
        let a = arch.ggufName
        let embedding = try require("hidden_size"), heads = try require("num_attention_heads")
        let headDim = int("head_dim") ?? embedding / heads
        var keys: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("general.name", .string(name)),
            ("\(a).context_length", .uint32(UInt32(clamping: int("max_position_embeddings") ?? 2048))),
            ("\(a).embedding_length", .uint32(UInt32(clamping: embedding))),
            ("\(a).block_count", .uint32(UInt32(clamping: try require("num_hidden_layers")))),
            ("\(a).feed_forward_length", .uint32(UInt32(clamping: try require("intermediate_size")))),
            ("\(a).attention.head_count", .uint32(UInt32(clamping: heads))),
            ("\(a).attention.head_count_kv", .uint32(UInt32(clamping: int("num_key_value_heads") ?? heads))),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(Float(config["rms_norm_eps"]?.doubleValue ?? 1e-6))),
            ("\(a).rope.freq_base", .float32(Float(config["rope_theta"]?.doubleValue ?? 10_000))),
            ("\(a).rope.dimension_count", .uint32(UInt32(clamping: headDim))),
        ]
        if arch.normOffset || int("head_dim") != nil {
            keys.append(("\(a).attention.key_length", .uint32(UInt32(clamping: headDim))))
            keys.append(("\(a).attention.value_length", .uint32(UInt32(clamping: headDim))))
        }
        if let window = int("sliding_window"), arch.sandwichNorms { keys.append(("\(a).attention.sliding_window", .uint32(UInt32(clamping: window)))) }
        for (hf, gguf) in [("attn_logit_softcapping", "attn_logit_softcapping"), ("final_logit_softcapping", "final_logit_softcapping")] {
            if let v = config[hf]?.doubleValue { keys.append(("\(a).\(gguf)", .float32(Float(v)))) }
        }
        if let vocab = int("vocab_size") { keys.append(("\(a).vocab_size", .uint32(UInt32(clamping: vocab)))) }
        keys.append(("general.file_type", .uint32(1)))
        return keys
    }
}

/// GGUF tokenizer metadata from tokenizer.json (byte-level BPE) and tokenizer_config.json.
enum HFTokenizerMetadata {
    static func keys(directory: String, config: JSONValue) throws(StoreError) -> [(key: String, value: GGUFWriter.Value)] {
        guard let tokenizer = try HFCheckpoint.json(directory + "/tokenizer.json", required: false) else {
            if FileManager.default.fileExists(atPath: directory + "/tokenizer.model") {
                throw StoreError("\(directory): only tokenizer.model (SentencePiece) found; importing it is not supported yet, add tokenizer.json")
            }
            throw StoreError("missing tokenizer.json in \(directory)")
        }
        guard let model = tokenizer["model"], model["type"]?.stringValue == "BPE", let vocab = model["vocab"]?.objectValue else {
            throw StoreError("\(directory)/tokenizer.json: only byte-level BPE tokenizers are supported")
        }
        guard model["byte_fallback"] != .bool(true) else {
            throw StoreError("\(directory)/tokenizer.json: a SentencePiece-style BPE (byte_fallback) needs tokenizer.model, which is not supported yet")
        }
        var byID: [Int: String] = [:]
        for (token, id) in vocab { if let i = id.intValue, i >= 0 { byID[i] = token } }
        var control = Set<Int>(), userDefined = Set<Int>()
        for added in tokenizer["added_tokens"]?.arrayValue ?? [] {
            guard let id = added["id"]?.intValue, id >= 0, let content = added["content"]?.stringValue else { continue }
            byID[id] = content
            if added["special"] == .bool(true) { control.insert(id) } else { userDefined.insert(id) }
        }
        let count = max(config["vocab_size"]?.intValue ?? 0, (byID.keys.max() ?? -1) + 1)
        guard count > 0, count <= 10_000_000 else { throw StoreError("\(directory)/tokenizer.json: invalid vocabulary size \(count)") }
        var tokens: [String] = [], types: [Int32] = []
        for id in 0..<count {
            if let t = byID[id] {
                tokens.append(t); types.append(control.contains(id) ? 3 : userDefined.contains(id) ? 4 : 1)
            } else {
                tokens.append("[PAD\(id)]"); types.append(5)
            }
        }
        let merges: [String] = (model["merges"]?.arrayValue ?? []).compactMap { m in
            if let s = m.stringValue { return s }
            if let pair = m.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue { return a + " " + b }
            return nil
        }
        var keys: [(key: String, value: GGUFWriter.Value)] = [
            ("tokenizer.ggml.model", .value(.string("gpt2"))),
            ("tokenizer.ggml.pre", .value(.string(preTokenizer(tokenizer["pre_tokenizer"])))),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .int32s(types)),
            ("tokenizer.ggml.merges", .strings(merges)),
        ]
        let tokenizerConfig = try HFCheckpoint.json(directory + "/tokenizer_config.json", required: false) ?? .null
        let index = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func tokenID(_ key: String, configKey: String) -> Int? {
            let value = tokenizerConfig[key]
            if let s = value?.stringValue ?? value?["content"]?.stringValue, let id = index[s] { return id }
            return config[configKey]?.intValue
        }
        if let bos = tokenID("bos_token", configKey: "bos_token_id") { keys.append(("tokenizer.ggml.bos_token_id", .value(.uint32(UInt32(clamping: bos))))) }
        if let eos = tokenID("eos_token", configKey: "eos_token_id") { keys.append(("tokenizer.ggml.eos_token_id", .value(.uint32(UInt32(clamping: eos))))) }
        if let unk = tokenID("unk_token", configKey: "unk_token_id") { keys.append(("tokenizer.ggml.unknown_token_id", .value(.uint32(UInt32(clamping: unk))))) }
        if let pad = tokenID("pad_token", configKey: "pad_token_id") { keys.append(("tokenizer.ggml.padding_token_id", .value(.uint32(UInt32(clamping: pad))))) }
        if case .bool(let add)? = tokenizerConfig["add_bos_token"] { keys.append(("tokenizer.ggml.add_bos_token", .value(.bool(add)))) }
        if let template = chatTemplate(tokenizerConfig["chat_template"]) { keys.append(("tokenizer.chat_template", .value(.string(template)))) }
        return keys
    }

    /// tokenizer_config.json's chat_template: a string, or a list of named templates ("default" wins).
    static func chatTemplate(_ value: JSONValue?) -> String? {
        if let s = value?.stringValue { return s }
        let named = value?.arrayValue?.compactMap { t -> (String, String)? in
            guard let n = t["name"]?.stringValue, let s = t["template"]?.stringValue else { return nil }
            return (n, s)
        } ?? []
        return named.first { $0.0 == "default" }?.1 ?? named.first?.1
    }

    /// llama.cpp names the pre-tokenizer from a hash of sample encodings; without running it, mfc reads
    /// the shape of tokenizer.json's pre_tokenizer (a heuristic covering the families mfc's tokenizer knows).
    static func preTokenizer(_ value: JSONValue?) -> String {
        let steps = value?["pretokenizers"]?.arrayValue ?? (value.map { [$0] } ?? [])
        let kinds = steps.compactMap { $0["type"]?.stringValue }
        let regex = steps.compactMap { $0["pattern"]?["Regex"]?.stringValue }.joined()
        if kinds.contains("Digits"), kinds.contains("ByteLevel") { return "smollm" }
        if regex.contains("\\p{N}{1,3}") { return "llama-bpe" }
        if regex.contains("\\p{N}") { return "qwen2" }
        if kinds == ["ByteLevel"] { return "gpt2" }
        return "default"
    }
}

