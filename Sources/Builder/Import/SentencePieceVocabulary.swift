import ModelfileLang
import Foundation
import Runtime

/// GGUF tokenizer metadata (`tokenizer.ggml.model` "llama") from a SentencePiece tokenizer.model, laid
/// out as llama.cpp's converter does: ids past the model's pieces up to config.json's vocab_size are
/// "[PADn]" unused tokens scored -10000; added_tokens.json and tokenizer_config.json's
/// added_tokens_decoder overwrite their ids with score -1000 (control when special or special-looking).
enum SentencePieceVocabulary {
    static func keys(directory: String, config: JSONValue, architecture: HFArchitecture) throws(StoreError) -> [(key: String, value: GGUFWriter.Value)] {
        let path = directory + "/tokenizer.model"
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("cannot read \(path)") }
        let model: SentencePieceModel
        do { model = try SentencePieceModel(bytes: [UInt8](data)) } catch { throw StoreError("\(path): \(error.message)") }

        let count = config["vocab_size"]?.intValue.flatMap { $0 > 0 ? $0 : nil } ?? model.pieces.count
        guard count <= 10_000_000 else { throw StoreError("\(directory)/config.json: invalid vocab_size \(count)") }
        var tokens = (0..<count).map { "[PAD\($0)]" }
        var scores = [Float](repeating: -10_000, count: count)
        var types = [Int32](repeating: SentencePieceModel.PieceType.unused.rawValue, count: count)
        for (id, piece) in model.pieces.prefix(count).enumerated() {
            tokens[id] = piece.text; scores[id] = piece.score; types[id] = piece.type.rawValue
        }
        // Phi-3's converter trusts the "special" flag alone, keeps "▁" in user-defined tokens and also
        // applies tokenizer.json's added_tokens; the others guess special-looking tokens and turn "▁" into " ".
        let phi3 = architecture.ggufName == "phi3"
        func add(_ id: Int, _ text: String, special: Bool) {
            guard id >= 0, id < count else { return }
            tokens[id] = special || phi3 ? text : text.replacingOccurrences(of: "\u{2581}", with: " ")
            scores[id] = -1000
            types[id] = (special ? SentencePieceModel.PieceType.control : .userDefined).rawValue
        }
        if let added = try HFCheckpoint.json(directory + "/added_tokens.json", required: false)?.objectValue {
            for (text, id) in added { if let id = id.intValue { add(id, text, special: false) } }
        }
        let tokenizerConfig = try HFCheckpoint.json(directory + "/tokenizer_config.json", required: false) ?? .null
        for (key, entry) in tokenizerConfig["added_tokens_decoder"]?.objectValue ?? [] {
            guard let id = Int(key), let text = entry["content"]?.stringValue else { continue }
            add(id, text, special: entry["special"] == .bool(true) || !phi3 && looksSpecial(text))
        }
        if phi3, let added = try HFCheckpoint.json(directory + "/tokenizer.json", required: false)?["added_tokens"]?.arrayValue {
            for entry in added {
                guard let id = entry["id"]?.intValue, let text = entry["content"]?.stringValue else { continue }
                add(id, text, special: entry["special"] == .bool(true))
            }
        }

        let fallback = ["bos": model.bosID, "eos": model.eosID, "unk": model.unknownID, "pad": model.padID]
        // Without tokenizer.json llama.cpp cannot look tokenizer_config.json's token texts up, so config.json's ids win.
        let configIDsFirst = !FileManager.default.fileExists(atPath: directory + "/tokenizer.json")
        return keys(tokens: tokens, scores: scores, types: types, directory: directory, config: config, tokenizerConfig: tokenizerConfig,
                    architecture: architecture, fallback: fallback, configIDsFirst: configIDsFirst, addDummyPrefix: model.addDummyPrefix)
    }

    /// The same vocabulary from a tokenizer.json converted from SentencePiece (BPE with byte fallback) when
    /// the folder lacks tokenizer.model. Such a file keeps the pieces in SentencePiece's id order but not
    /// their scores, which rank the merges; SentencePiece's BPE scores fall with the id, except runs of "▁",
    /// which it scores -1e9 so words never merge across spaces. So a normal token scores -id, a "▁" run
    /// -1e9 (llama.cpp writes -1000 for all, which loses the merge order). `<0xNN>` are bytes; the model's
    /// unk_token is unknown.
    static func keys(directory: String, config: JSONValue, architecture: HFArchitecture, tokenizerJSON: JSONValue,
                     tokens: [String], types: [Int32]) throws(StoreError) -> [(key: String, value: GGUFWriter.Value)] {
        var types = types
        var scores = [Float](repeating: 0, count: tokens.count)
        for id in tokens.indices {
            switch types[id] {
            case 1:
                let t = Array(tokens[id].utf8)
                if t.count == 6, t.starts(with: Array("<0x".utf8)), t[5] == UInt8(ascii: ">"), UInt8(String(decoding: t[3...4], as: UTF8.self), radix: 16) != nil {
                    types[id] = SentencePieceModel.PieceType.byte.rawValue
                } else {
                    scores[id] = tokens[id].allSatisfy { $0 == "\u{2581}" } ? -1e9 : -Float(id)
                }
            case 4: scores[id] = -1000
            case 5: scores[id] = -10_000
            default: continue
            }
        }
        if let unk = tokenizerJSON["model"]?["unk_token"]?.stringValue, let id = tokens.firstIndex(of: unk) {
            types[id] = SentencePieceModel.PieceType.unknown.rawValue
        }
        let tokenizerConfig = try HFCheckpoint.json(directory + "/tokenizer_config.json", required: false) ?? .null
        return keys(tokens: tokens, scores: scores, types: types, directory: directory, config: config, tokenizerConfig: tokenizerConfig,
                    architecture: architecture, fallback: [:], configIDsFirst: false, addDummyPrefix: prependsSpace(tokenizerJSON),
                    addSpecial: HFTokenizerMetadata.postProcessorAddsSpecial(tokenizerJSON["post_processor"], tokenizerConfig: tokenizerConfig))
    }

    /// Whether a SentencePiece-style tokenizer.json adds the dummy "▁" prefix: a Prepend normalizer or a
    /// Metaspace pre-tokenizer that prepends.
    static func prependsSpace(_ tokenizer: JSONValue) -> Bool {
        func steps(_ v: JSONValue?, _ list: String) -> [JSONValue] { v?[list]?.arrayValue ?? (v.map { [$0] } ?? []) }
        if steps(tokenizer["normalizer"], "normalizers").contains(where: { $0["type"] == .string("Prepend") }) { return true }
        return steps(tokenizer["pre_tokenizer"], "pretokenizers").contains { step in
            step["type"] == .string("Metaspace")
                && (step["add_prefix_space"] == .bool(true) || ["always", "first"].contains(step["prepend_scheme"]?.stringValue ?? ""))
        }
    }

    /// The "llama" tokenizer keys, special token ids and flags.
    static func keys(tokens: [String], scores: [Float], types: [Int32], directory: String, config: JSONValue, tokenizerConfig: JSONValue,
                     architecture: HFArchitecture, fallback: [String: Int], configIDsFirst: Bool, addDummyPrefix: Bool,
                     addSpecial: [String: Bool] = [:]) -> [(key: String, value: GGUFWriter.Value)] {
        var keys: [(key: String, value: GGUFWriter.Value)] = [
            ("tokenizer.ggml.model", .value(.string("llama"))),
            ("tokenizer.ggml.pre", .value(.string("default"))),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.scores", .float32s(scores)),
            ("tokenizer.ggml.token_type", .int32s(types)),
        ]
        keys += HFTokenizerMetadata.specialTokenKeys(tokens: tokens, directory: directory, tokenizerConfig: tokenizerConfig, config: config,
                                                     fallback: fallback, configIDsFirst: configIDsFirst, addSpecial: addSpecial)
        if architecture.ggufName == "gemma", tokens.count > 107 {   // <end_of_turn> at Gemma's fixed id, as llama.cpp writes it
            keys.append(("tokenizer.ggml.eot_token_id", .value(.uint32(107))))
        }
        // Gemma's tokenizers never prefix a space (llama.cpp writes false for every gemma); llama.cpp takes a
        // llama's tokenizer_config.json add_prefix_space; otherwise the model's normalizer decides.
        var spacePrefix: Bool? = addDummyPrefix ? nil : false
        if architecture.ggufName == "llama", case .bool(let b)? = tokenizerConfig["add_prefix_space"] { spacePrefix = b }
        if architecture.normOffset { spacePrefix = false }
        if let spacePrefix { keys.append(("tokenizer.ggml.add_space_prefix", .value(.bool(spacePrefix)))) }
        return keys
    }

    /// llama.cpp's list of added tokens that some checkpoints forget to mark special.
    static func looksSpecial(_ text: String) -> Bool {
        ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].contains(text)
            || (text.hasPrefix("<|") && text.hasSuffix("|>")) || (text.hasPrefix("<｜") && text.hasSuffix("｜>"))
            || (text.hasPrefix("<unused") && text.hasSuffix(">"))
    }
}
