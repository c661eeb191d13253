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

        var keys: [(key: String, value: GGUFWriter.Value)] = [
            ("tokenizer.ggml.model", .value(.string("llama"))),
            ("tokenizer.ggml.pre", .value(.string("default"))),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.scores", .float32s(scores)),
            ("tokenizer.ggml.token_type", .int32s(types)),
        ]
        let fallback = ["bos": model.bosID, "eos": model.eosID, "unk": model.unknownID, "pad": model.padID]
        // Without tokenizer.json llama.cpp cannot look tokenizer_config.json's token texts up, so config.json's ids win.
        let configIDsFirst = !FileManager.default.fileExists(atPath: directory + "/tokenizer.json")
        keys += HFTokenizerMetadata.specialTokenKeys(tokens: tokens, directory: directory, tokenizerConfig: tokenizerConfig, config: config,
                                                     fallback: fallback, configIDsFirst: configIDsFirst)
        if architecture.ggufName == "gemma", count > 107 {   // <end_of_turn> at Gemma's fixed id, as llama.cpp writes it
            keys.append(("tokenizer.ggml.eot_token_id", .value(.uint32(107))))
        }
        // Gemma's tokenizers never prefix a space (llama.cpp writes false for every gemma); llama.cpp takes a
        // llama's tokenizer_config.json add_prefix_space; otherwise the model's normalizer decides.
        var spacePrefix: Bool? = model.addDummyPrefix ? nil : false
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
