/// Text to token ids and back, for a GGUF model's vocabulary, matching llama.cpp's `llama_tokenize`.
package struct Tokenizer: Sendable {
    package let vocabulary: Vocabulary
    private let splitter: SpecialTokenSplitter
    private let engine: Engine

    private enum Engine: Sendable {
        case bpe(BPEEncoder)
        case sentencePiece(SentencePieceEncoder)
    }

    /// - Throws: `TokenizerError` when the vocabulary names a pre-tokenizer this code lacks.
    package init(vocabulary: Vocabulary) throws(TokenizerError) {
        self.vocabulary = vocabulary
        self.splitter = SpecialTokenSplitter(vocabulary: vocabulary)
        switch vocabulary.model {
        case .bpe:
            engine = .bpe(BPEEncoder(vocabulary: vocabulary, preTokenizer: try PreTokenizer(named: vocabulary.preTokenizerName)))
        case .sentencePiece:
            engine = .sentencePiece(SentencePieceEncoder(vocabulary: vocabulary))
        }
    }

    /// Token ids for `text`.
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS when the model asks for them (`add_bos_token`, `add_eos_token`).
    ///   - parseSpecial: treat control-token text such as `<|im_start|>` as that token; when false
    ///     it is tokenized as plain text (user-defined tokens are recognised either way).
    package func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = true) -> [Int] {
        let bytes = Array(text.utf8)
        var output: [Int] = []
        if addSpecial, vocabulary.addBOS, let bos = vocabulary.bos { output.append(bos) }
        var previousWasSpecial = true   // SentencePiece prefixes a space to text after a special token
        for fragment in splitter.split(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                let piece = Substring(decoding: bytes[range], as: UTF8.self)
                switch engine {
                case .bpe(let bpe):
                    bpe.encode(piece, into: &output)
                case .sentencePiece(let spm):
                    spm.encode(vocabulary.addSpacePrefix && previousWasSpecial ? " " + piece : piece, into: &output)
                }
                previousWasSpecial = false
            }
        }
        if addSpecial, vocabulary.addEOS, let eos = vocabulary.eos { output.append(eos) }
        return output
    }

    /// The bytes a token stands for. Control and unknown tokens give their text only when
    /// `special` is true; a byte token gives its one byte (so a piece may be partial UTF-8).
    package func piece(_ id: Int, special: Bool = true) -> [UInt8] {
        guard vocabulary.texts.indices.contains(id) else { return [] }
        let text = vocabulary.texts[id]
        switch vocabulary.types[id] {
        case .control, .unknown:
            return special ? text : []
        case .userDefined:
            return text
        case .normal:
            switch vocabulary.model {
            case .bpe: return ByteLevelEncoding.decode(text)
            case .sentencePiece: return Self.unescapeSpaces(text)
            }
        case .byte:
            return Self.byteValue(text, model: vocabulary.model).map { [$0] } ?? []
        case .undefined, .unused:
            return []
        }
    }

    /// The text of a token sequence (invalid UTF-8 becomes U+FFFD).
    package func decode(_ ids: [Int], special: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes += piece(id, special: special) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True for tokens that end a generation (EOS, end of turn).
    package func isEndOfGeneration(_ id: Int) -> Bool { vocabulary.endOfGeneration.contains(id) }

    static func unescapeSpaces(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count, text[i] == 0xE2, text[i + 1] == 0x96, text[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// `<0xAB>` → 0xAB for SentencePiece; a byte-level stand-in code point for BPE.
    static func byteValue(_ text: [UInt8], model: Vocabulary.Model) -> UInt8? {
        if text.count == 6, text.starts(with: Array("<0x".utf8)) {
            return UInt8(String(decoding: text[3..<5], as: UTF8.self), radix: 16)
        }
        return ByteLevelEncoding.decode(text).first
    }
}
