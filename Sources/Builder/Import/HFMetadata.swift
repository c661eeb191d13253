import ModelfileLang
import Foundation
import Runtime

/// GGUF metadata from config.json (hyperparameters) for the supported architectures, with the keys
/// llama.cpp's converter writes for each (Tests/Fixtures/import/reference holds its output).
enum HFModelMetadata {
    static func keys(config: JSONValue, architecture arch: HFArchitecture, name: String) throws(StoreError) -> [(key: String, value: GGUFValue)] {
        // Sizes become u32 keys: a value that does not fit is refused by name, never clamped.
        func int(_ key: String) throws(StoreError) -> Int? {
            guard let value = config[key], value != .null else { return nil }
            guard let n = value.intValue, (0...Int(UInt32.max)).contains(n) else {
                throw StoreError("config.json: \(key) is \(value.goEncodedString.trimmingSuffixNewline), expected a whole number from 0 to \(UInt32.max)")
            }
            return n
        }
        func require(_ key: String) throws(StoreError) -> Int {
            guard let v = try int(key) else { throw StoreError("config.json: \(key) is missing") }
            guard v > 0 else { throw StoreError("config.json: \(key) is 0, expected a positive number") }
            return v
        }
        func uint(_ v: Int) -> GGUFValue { .uint32(UInt32(clamping: v)) }
        let a = arch.ggufName
        let embedding = try require("hidden_size"), heads = try require("num_attention_heads")
        let headDim = try int("head_dim") ?? embedding / heads
        var keys: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("general.name", .string(name)),
            ("\(a).context_length", uint(try int("max_position_embeddings") ?? 2048)),
            ("\(a).embedding_length", uint(embedding)),
            ("\(a).block_count", uint(try require("num_hidden_layers"))),
            ("\(a).feed_forward_length", uint(try require("intermediate_size"))),
            ("\(a).attention.head_count", uint(heads)),
            ("\(a).attention.head_count_kv", uint(try int("num_key_value_heads") ?? heads)),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(Float(config["rms_norm_eps"]?.doubleValue ?? 1e-6))),
        ]
        // The optional keys each of llama.cpp's converters writes (gemma and gemma2 leave the RoPE base to
        // the runtime's default, only llama and phi3 write the RoPE width).
        if a != "gemma" && a != "gemma2" { keys.append(("\(a).rope.freq_base", .float32(Float(config["rope_theta"]?.doubleValue ?? 10_000)))) }
        if a == "llama" { keys.append(("llama.rope.dimension_count", uint(headDim))) }
        if a == "phi3" { keys.append(("phi3.rope.dimension_count", uint(RopeScaling.phi3RopeDimensions(config)))) }
        if a == "llama" || arch.normOffset {
            keys.append(("\(a).attention.key_length", uint(headDim)))
            keys.append(("\(a).attention.value_length", uint(headDim)))
        }
        if let window = try int("sliding_window"), arch.sandwichNorms || a == "phi3" { keys.append(("\(a).attention.sliding_window", uint(window))) }
        if a == "phi3" { keys += try RopeScaling.phi3Keys(config: config) }
        if a == "gemma3", let local = config["rope_local_base_freq"]?.doubleValue { keys.append(("gemma3.rope.freq_base_swa", .float32(Float(local)))) }
        for (hf, gguf) in [("attn_logit_softcapping", "attn_logit_softcapping"), ("final_logit_softcapping", "final_logit_softcapping")] {
            if let v = config[hf]?.doubleValue { keys.append(("\(a).\(gguf)", .float32(Float(v)))) }
        }
        if a == "llama", let vocab = try int("vocab_size") { keys.append(("llama.vocab_size", uint(vocab))) }
        keys.append(("general.file_type", .uint32(1)))
        return keys
    }
}

/// GGUF tokenizer metadata from tokenizer.json (byte-level BPE) or tokenizer.model (SentencePiece)
/// and tokenizer_config.json.
enum HFTokenizerMetadata {
    /// Like llama.cpp's converter, llama/mistral and gemma* take tokenizer.model when the folder has one;
    /// qwen2 (and any folder without it) takes tokenizer.json.
    static func keys(directory: String, config: JSONValue, architecture: HFArchitecture) throws(StoreError) -> [(key: String, value: GGUFWriter.Value)] {
        let hasSentencePiece = FileManager.default.fileExists(atPath: directory + "/tokenizer.model")
        if hasSentencePiece && architecture.ggufName != "qwen2" {
            return try SentencePieceVocabulary.keys(directory: directory, config: config, architecture: architecture)
        }
        guard let tokenizer = try HFCheckpoint.json(directory + "/tokenizer.json", required: false) else {
            throw StoreError("missing tokenizer.json or tokenizer.model in \(directory)")
        }
        guard let model = tokenizer["model"], model["type"]?.stringValue == "BPE", let vocab = model["vocab"]?.objectValue else {
            throw StoreError("\(directory)/tokenizer.json: only byte-level BPE tokenizers are supported")
        }
        let (tokens, types) = try table(tokenizer, vocab: vocab, config: config, directory: directory)
        if model["byte_fallback"] == .bool(true) {   // SentencePiece converted to tokenizer.json, without its tokenizer.model
            return try SentencePieceVocabulary.keys(directory: directory, config: config, architecture: architecture,
                                                    tokenizerJSON: tokenizer, tokens: tokens, types: types)
        }
        let merges: [String] = (model["merges"]?.arrayValue ?? []).compactMap { m in
            if let s = m.stringValue { return s }
            // The pair format allows spaces inside a part; GGUF's "a b" format cannot, so llama.cpp writes them as U+0120.
            if let pair = m.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                return a.replacingOccurrences(of: " ", with: "\u{120}") + " " + b.replacingOccurrences(of: " ", with: "\u{120}")
            }
            return nil
        }
        let keys: [(key: String, value: GGUFWriter.Value)] = [
            ("tokenizer.ggml.model", .value(.string("gpt2"))),
            ("tokenizer.ggml.pre", .value(.string(preTokenizer(tokenizer["pre_tokenizer"])))),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .int32s(types)),
            ("tokenizer.ggml.merges", .strings(merges)),
        ]
        let tokenizerConfig = try HFCheckpoint.json(directory + "/tokenizer_config.json", required: false) ?? .null
        return keys + specialTokenKeys(tokens: tokens, directory: directory, tokenizerConfig: tokenizerConfig, config: config,
                                       addSpecial: postProcessorAddsSpecial(tokenizer["post_processor"], tokenizerConfig: tokenizerConfig))
    }

    /// Whether tokenizer.json's post-processor adds BOS/EOS, read as llama.cpp does (it wins over
    /// tokenizer_config.json's add_bos_token/add_eos_token): ByteLevel adds neither, RobertaProcessing
    /// both, TemplateProcessing the special tokens that open and close its single-sequence template.
    static func postProcessorAddsSpecial(_ value: JSONValue?, tokenizerConfig: JSONValue) -> [String: Bool] {
        var result: [String: Bool] = [:]
        func configToken(_ kind: String) -> String? {
            let v = tokenizerConfig["\(kind)_token"]
            return v?.stringValue ?? v?["content"]?.stringValue
        }
        for processor in value?["processors"]?.arrayValue ?? (value.map { [$0] } ?? []) {
            switch processor["type"]?.stringValue {
            case "ByteLevel":
                result["bos"] = result["bos"] ?? false
                result["eos"] = result["eos"] ?? false
            case "RobertaProcessing":
                result["bos"] = true; result["eos"] = true
            case "TemplateProcessing":
                let single = processor["single"]?.arrayValue ?? []
                guard single.count > 1 else { continue }
                if let first = single.first?["SpecialToken"]?["id"]?.stringValue {
                    result["bos"] = configToken("bos").map { $0 == first } ?? true || configToken("cls") == first
                }
                if let last = single.last?["SpecialToken"]?["id"]?.stringValue {
                    result["eos"] = configToken("eos").map { $0 == last } ?? true
                }
            default: continue
            }
        }
        return result
    }

    /// tokenizer.json's vocabulary by id, its added tokens (special ones as control, others as
    /// user-defined) and "[PADn]" unused tokens up to config.json's vocab_size.
    static func table(_ tokenizer: JSONValue, vocab: [(String, JSONValue)], config: JSONValue,
                      directory: String) throws(StoreError) -> (tokens: [String], types: [Int32]) {
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
        return (tokens, types)
    }

    /// bos/eos/unk/pad ids (tokenizer_config.json's token text looked up in the vocabulary, else
    /// config.json's `*_token_id`, or the other way round with `configIDsFirst`, else `fallback`),
    /// add_bos/add_eos and the chat template.
    static func specialTokenKeys(tokens: [String], directory: String, tokenizerConfig: JSONValue, config: JSONValue, fallback: [String: Int] = [:],
                                 configIDsFirst: Bool = false, addSpecial: [String: Bool] = [:]) -> [(key: String, value: GGUFWriter.Value)] {
        var keys: [(key: String, value: GGUFWriter.Value)] = []
        let index = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for (kind, ggufKey) in [("bos", "bos"), ("eos", "eos"), ("unk", "unknown"), ("pad", "padding")] {
            let value = tokenizerConfig["\(kind)_token"]
            let byText = (value?.stringValue ?? value?["content"]?.stringValue).flatMap { index[$0] }
            let byID = config["\(kind)_token_id"]?.intValue
            let id = (configIDsFirst ? byID ?? byText : byText ?? byID) ?? fallback[kind]
            if let id, id >= 0, id < tokens.count { keys.append(("tokenizer.ggml.\(ggufKey)_token_id", .value(.uint32(UInt32(id))))) }
        }
        for kind in ["bos", "eos"] {
            if let add = addSpecial[kind] ?? tokenizerConfig["add_\(kind)_token"].flatMap({ if case .bool(let b) = $0 { b } else { nil } }) {
                keys.append(("tokenizer.ggml.add_\(kind)_token", .value(.bool(add))))
            }
        }
        if let template = chatTemplate(directory: directory, tokenizerConfig: tokenizerConfig) {
            keys.append(("tokenizer.chat_template", .value(.string(template))))
        }
        return keys
    }

    /// tokenizer_config.json's chat_template, else the chat_template.jinja or chat_template.json that
    /// newer transformers versions save beside it.
    static func chatTemplate(directory: String, tokenizerConfig: JSONValue) -> String? {
        if let t = chatTemplate(tokenizerConfig["chat_template"]) { return t }
        if let data = FileManager.default.contents(atPath: directory + "/chat_template.jinja") { return String(decoding: data, as: UTF8.self) }
        return chatTemplate((try? HFCheckpoint.json(directory + "/chat_template.json", required: false))?["chat_template"])
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
        if kinds == ["ByteLevel"] { return "gpt-2" }   // llama.cpp's name for the plain GPT-2 split
        return "default"
    }
}

