extension Vocabulary {
    /// Reads `tokenizer.ggml.*` from a GGUF file.
    /// - Throws: `TokenizerError` when keys are missing, of the wrong type, or inconsistent.
    package init(gguf file: GGUFFile) throws(TokenizerError) {
        let modelName = file["tokenizer.ggml.model"]?.string ?? ""
        guard let model = Model(rawValue: modelName) else {
            throw TokenizerError("unsupported tokenizer model '\(modelName)' (expected gpt2 or llama)")
        }
        guard let tokenArray = file["tokenizer.ggml.tokens"]?.array, let texts = Self.byteStrings(tokenArray) else {
            throw TokenizerError("tokenizer.ggml.tokens is missing or not a string array")
        }
        guard !texts.isEmpty else { throw TokenizerError("tokenizer.ggml.tokens is empty") }
        let scores = file["tokenizer.ggml.scores"]?.array?.floats() ?? []
        let types = file["tokenizer.ggml.token_type"]?.array?.ints() ?? []
        let merges = file["tokenizer.ggml.merges"]?.array.flatMap(Self.byteStrings) ?? []
        if model == .bpe && merges.isEmpty { throw TokenizerError("tokenizer.ggml.merges is missing for a BPE vocabulary") }
        // A special token id that is present must be a token of this vocabulary; the message names the key.
        func id(_ key: String) throws(TokenizerError) -> Int? {
            let name = "tokenizer.ggml.\(key)_token_id"
            guard let value = file[name] else { return nil }
            guard let id = value.int else { throw TokenizerError("\(name) is not an integer") }
            guard texts.indices.contains(id) else {
                throw TokenizerError("\(name) is \(id), outside the vocabulary of \(texts.count) tokens")
            }
            return id
        }
        func flag(_ key: String) -> Bool? { file["tokenizer.ggml.\(key)"]?.bool }
        // llama.cpp's defaults when the keys are absent: SentencePiece has bos 1, eos 2, unk 0,
        // adds BOS and a space prefix.
        let spm = model == .sentencePiece
        try self.init(model: model, preTokenizer: file["tokenizer.ggml.pre"]?.string, texts: texts, scores: scores,
                      types: types, merges: merges, bos: try id("bos") ?? (spm ? 1 : nil), eos: try id("eos") ?? (spm ? 2 : nil),
                      eot: try id("eot"), eom: try id("eom"), unknown: try id("unknown") ?? (spm ? 0 : nil), padding: try id("padding"),
                      addBOS: flag("add_bos_token") ?? spm, addEOS: flag("add_eos_token") ?? false,
                      addSpacePrefix: flag("add_space_prefix") ?? spm)
    }

    /// The raw bytes of each element of a string array (no UTF-8 repair: token texts may hold any bytes).
    static func byteStrings(_ array: GGUFArray) -> [[UInt8]]? {
        guard array.elementType == .string else { return nil }
        let raw = array.rawBytes
        var result: [[UInt8]] = []
        result.reserveCapacity(array.count)
        var at = 0
        for _ in 0..<array.count {
            guard at + 8 <= raw.count else { return nil }
            let length = Int(truncatingIfNeeded: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
            at += 8
            guard length >= 0, length <= raw.count - at else { return nil }
            result.append(Array(raw[at..<(at + length)]))
            at += length
        }
        return result
    }
}
