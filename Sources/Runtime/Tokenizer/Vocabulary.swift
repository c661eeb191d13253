/// The token vocabulary of a model, as GGUF metadata describes it (`tokenizer.ggml.*`).
///
/// Token texts are kept as raw bytes, never as `String`: Swift compares strings by canonical
/// equivalence, which would merge distinct tokens such as a precomposed "é" and "e" + U+0301.
package struct Vocabulary: Sendable {
    /// Which tokenizer algorithm the vocabulary belongs to (`tokenizer.ggml.model`).
    package enum Model: String, Sendable {
        /// GPT-2 style byte-level BPE (`gpt2`).
        case bpe = "gpt2"
        /// SentencePiece-style BPE over scores, with byte fallback (`llama`).
        case sentencePiece = "llama"
    }

    /// What GGUF's `tokenizer.ggml.token_type` says about a token.
    package enum TokenType: Int, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    package let model: Model
    /// `tokenizer.ggml.pre`, or "default" when absent.
    package let preTokenizerName: String
    /// Token texts as bytes, indexed by token id, with the index from text to id.
    package let texts: TokenTexts
    /// SentencePiece scores (0 when the file has none).
    package let scores: [Float]
    /// Token types; control-looking end tokens are promoted to `.control` as llama.cpp does.
    package let types: [TokenType]
    package let bos: Int?
    package let eos: Int?
    package let unknown: Int?
    package let padding: Int?
    package let addBOS: Bool
    package let addEOS: Bool
    package let addSpacePrefix: Bool
    /// Tokens that end a generation: eos, eot, eom and the usual end-of-turn texts.
    package let endOfGeneration: Set<Int>

    /// Merge ranks keyed by the pair of token ids (left << 32 | right); the first listing of a pair wins.
    /// Ids rather than texts: a pair of byte arrays per merge cost SmolLM2's 49k merges about 6 MB.
    let mergeRanks: [UInt64: Int32]
    /// Ranks of merges whose left or right text is not a token (never in real vocabularies), by texts.
    let textMergeRanks: [MergePair: Int]

    struct MergePair: Hashable, Sendable {
        let left: [UInt8]
        let right: [UInt8]
    }

    /// Token texts that end a turn in common chat formats (llama.cpp marks them end-of-generation).
    static let endOfTurnTexts: Set<[UInt8]> = Set([
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "<|eom_id|>", "<EOT>", "_<EOT>", "<end_of_utterance>", "<｜end▁of▁sentence｜>",
    ].map { Array($0.utf8) })

    /// Builds a vocabulary from the raw metadata arrays.
    /// - Parameters:
    ///   - model: the tokenizer algorithm.
    ///   - preTokenizer: `tokenizer.ggml.pre`; ignored by SentencePiece.
    ///   - texts: one entry per token id.
    ///   - scores: per-token scores, or empty.
    ///   - types: raw `token_type` values per token, or empty (all normal).
    ///   - merges: BPE merges written `"left right"`; empty for SentencePiece.
    /// - Throws: `TokenizerError` when the arrays disagree in length or an id is out of range.
    package init(model: Model, preTokenizer: String?, texts: [[UInt8]], scores: [Float], types: [Int],
                merges: [[UInt8]], bos: Int?, eos: Int?, eot: Int? = nil, eom: Int? = nil, unknown: Int?,
                padding: Int?, addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool) throws(TokenizerError) {
        let count = texts.count
        guard count > 0 else { throw TokenizerError("the vocabulary is empty") }
        guard scores.isEmpty || scores.count == count else {
            throw TokenizerError("\(scores.count) scores for \(count) tokens")
        }
        guard types.isEmpty || types.count == count else {
            throw TokenizerError("\(types.count) token types for \(count) tokens")
        }
        for (name, id) in [("bos", bos), ("eos", eos), ("eot", eot), ("eom", eom), ("unknown", unknown), ("padding", padding)] {
            if let id, !(0..<count).contains(id) { throw TokenizerError("\(name) token id \(id) is outside the vocabulary of \(count)") }
        }
        self.model = model
        self.preTokenizerName = preTokenizer ?? "default"
        let table = try TokenTexts(texts)
        self.texts = table
        self.scores = scores.isEmpty ? Array(repeating: 0, count: count) : scores
        var types = types.isEmpty ? Array(repeating: TokenType.normal, count: count)
                                  : types.map { TokenType(rawValue: $0) ?? .undefined }
        var ends = Set([eos, eot, eom].compactMap { $0 })
        for (id, text) in texts.enumerated() {
            if Self.endOfTurnTexts.contains(text) {
                ends.insert(id)
                types[id] = .control
            }
        }
        self.types = types
        self.endOfGeneration = ends
        var ranks = [UInt64: Int32](minimumCapacity: merges.count), textRanks: [MergePair: Int] = [:]
        for (rank, merge) in merges.enumerated() {
            // llama.cpp splits at the first space after the first byte, so a pair may start with a space.
            guard merge.count > 1, let space = merge[1...].firstIndex(of: 0x20) else { continue }
            let left = merge[..<space], right = merge[(space + 1)...]
            if let l = table.id(of: Array(left)), let r = table.id(of: Array(right)), let rank32 = Int32(exactly: rank) {
                let key = Self.mergeKey(l, r)
                if ranks[key] == nil { ranks[key] = rank32 }
            } else {
                let pair = MergePair(left: Array(left), right: Array(right))
                if textRanks[pair] == nil { textRanks[pair] = rank }
            }
        }
        self.mergeRanks = ranks
        self.textMergeRanks = textRanks
        self.bos = bos
        self.eos = eos
        self.unknown = unknown
        self.padding = padding
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }

    /// Number of tokens.
    package var count: Int { texts.count }

    /// The id of the token whose text is exactly `bytes`.
    package func id(of bytes: [UInt8]) -> Int? { texts.id(of: bytes) }

    /// The type of a token, `.undefined` outside the vocabulary.
    package func type(of id: Int) -> TokenType { types.indices.contains(id) ? types[id] : .undefined }

    func rank(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> Int? {
        let l = Array(left), r = Array(right)
        if let a = texts.id(of: l), let b = texts.id(of: r) { return mergeRanks[Self.mergeKey(a, b)].map(Int.init) }
        return textMergeRanks.isEmpty ? nil : textMergeRanks[MergePair(left: l, right: r)]
    }

    private static func mergeKey(_ left: Int, _ right: Int) -> UInt64 { UInt64(left) << 32 | UInt64(UInt32(truncatingIfNeeded: right)) }

    /// The SentencePiece token for one raw byte: `<0xXX>`, else the byte's own one-character token.
    func byteToken(_ byte: UInt8) -> Int? {
        let hex = Array("0123456789ABCDEF".utf8)
        let name: [UInt8] = [0x3C, 0x30, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 15)], 0x3E]
        return texts.id(of: name) ?? texts.id(of: [byte])
    }
}

/// A vocabulary or text the tokenizer cannot work with.
package struct TokenizerError: Error, Sendable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
