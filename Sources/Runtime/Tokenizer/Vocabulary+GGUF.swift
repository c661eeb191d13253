/// The `tokenizer.ggml.*` keys of a GGUF file, checked as loading the vocabulary checks them but
/// without building its tables: array types and lengths, special ids in range. `mfc build` checks
/// a model with this alone; `Vocabulary(gguf:)` reads through it.
package struct GGUFTokenizerKeys {
    package let model: Vocabulary.Model
    /// The token texts (a string array, not empty).
    let tokens: GGUFArray
    /// Scores and raw types: empty when absent or not a number array (as llama.cpp ignores them).
    let scores: GGUFArray?
    let types: GGUFArray?
    let merges: GGUFArray?
    let bos: Int?, eos: Int?, eot: Int?, eom: Int?, unknown: Int?, padding: Int?
    let preTokenizer: String?
    let addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool

    /// Number of tokens.
    package var count: Int { tokens.count }

    /// - Throws: `TokenizerError` when keys are missing, of the wrong type, or inconsistent.
    package init(gguf file: GGUFFile) throws(TokenizerError) {
        let modelName = file["tokenizer.ggml.model"]?.string ?? ""
        guard let model = Vocabulary.Model(rawValue: modelName) else {
            throw TokenizerError("unsupported tokenizer model '\(modelName)' (expected gpt2 or llama)")
        }
        // String lengths were checked against the file when it was opened.
        guard let tokens = file["tokenizer.ggml.tokens"]?.array, tokens.elementType == .string else {
            throw TokenizerError("tokenizer.ggml.tokens is missing or not a string array")
        }
        let count = tokens.count
        guard count > 0 else { throw TokenizerError("tokenizer.ggml.tokens is empty") }
        let scores = file["tokenizer.ggml.scores"]?.array.flatMap { [.float32, .float64].contains($0.elementType) ? $0 : nil }
        let types = file["tokenizer.ggml.token_type"]?.array.flatMap { $0.elementType.isInteger ? $0 : nil }
        if let scores, scores.count > 0, scores.count != count { throw TokenizerError("\(scores.count) scores for \(count) tokens") }
        if let types, types.count > 0, types.count != count { throw TokenizerError("\(types.count) token types for \(count) tokens") }
        let merges = file["tokenizer.ggml.merges"]?.array.flatMap { $0.elementType == .string ? $0 : nil }
        if model == .bpe && (merges?.count ?? 0) == 0 { throw TokenizerError("tokenizer.ggml.merges is missing for a BPE vocabulary") }
        // A special token id that is present must be a token of this vocabulary; the message names the key.
        func id(_ key: String) throws(TokenizerError) -> Int? {
            let name = "tokenizer.ggml.\(key)_token_id"
            guard let value = file[name] else { return nil }
            guard let id = value.int else { throw TokenizerError("\(name) is not an integer") }
            guard (0..<count).contains(id) else {
                throw TokenizerError("\(name) is \(id), outside the vocabulary of \(count) tokens")
            }
            return id
        }
        func flag(_ key: String) -> Bool? { file["tokenizer.ggml.\(key)"]?.bool }
        // llama.cpp's defaults when the keys are absent: SentencePiece has bos 1, eos 2, unk 0,
        // adds BOS and a space prefix.
        let spm = model == .sentencePiece
        self.model = model
        self.tokens = tokens
        self.scores = scores
        self.types = types
        self.merges = merges
        bos = try id("bos") ?? (spm ? 1 : nil)
        eos = try id("eos") ?? (spm ? 2 : nil)
        eot = try id("eot")
        eom = try id("eom")
        unknown = try id("unknown") ?? (spm ? 0 : nil)
        padding = try id("padding")
        for (name, id) in [("bos", bos), ("eos", eos), ("unknown", unknown)] {
            if let id, !(0..<count).contains(id) { throw TokenizerError("\(name) token id \(id) is outside the vocabulary of \(count)") }
        }
        preTokenizer = file["tokenizer.ggml.pre"]?.string
        addBOS = flag("add_bos_token") ?? spm
        addEOS = flag("add_eos_token") ?? false
        addSpacePrefix = flag("add_space_prefix") ?? spm
    }
}

extension Vocabulary {
    /// Reads `tokenizer.ggml.*` from a GGUF file.
    /// - Throws: `TokenizerError` when keys are missing, of the wrong type, or inconsistent.
    package init(gguf file: GGUFFile) throws(TokenizerError) {
        let keys = try GGUFTokenizerKeys(gguf: file)
        guard let texts = Self.byteStrings(keys.tokens), let merges = Self.byteStrings(keys.merges) else {
            throw TokenizerError("tokenizer.ggml.tokens or tokenizer.ggml.merges has a string longer than its array")
        }
        try self.init(model: keys.model, preTokenizer: keys.preTokenizer, texts: texts,
                      scores: keys.scores?.floats() ?? [], types: keys.types?.ints() ?? [],
                      merges: merges, bos: keys.bos, eos: keys.eos, eot: keys.eot,
                      eom: keys.eom, unknown: keys.unknown, padding: keys.padding,
                      addBOS: keys.addBOS, addEOS: keys.addEOS, addSpacePrefix: keys.addSpacePrefix)
    }

    /// The raw bytes of each element of a string array (no UTF-8 repair: token texts may hold any
    /// bytes); empty for no array, nil when a length runs past the array's bytes.
    static func byteStrings(_ array: GGUFArray?) -> [[UInt8]]? {
        guard let array else { return [] }
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
