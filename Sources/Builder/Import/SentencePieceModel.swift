/// A SentencePiece `tokenizer.model`: the `ModelProto` message, read with `ProtobufReader`.
/// Only the fields an import needs are kept; unknown fields are skipped, as protobuf requires.
///
/// Field numbers (sentencepiece_model.proto): ModelProto 1 pieces, 2 trainer_spec, 3 normalizer_spec;
/// SentencePiece 1 piece, 2 score, 3 type; TrainerSpec 3 model_type, 4 vocab_size, 35 byte_fallback,
/// 40-43 unk/bos/eos/pad ids; NormalizerSpec 1 name, 3 add_dummy_prefix, 4 remove_extra_whitespaces.
package struct SentencePieceModel: Sendable, Equatable {
    /// SentencePiece's piece types; the raw values are also GGUF's `tokenizer.ggml.token_type` values.
    package enum PieceType: Int32, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    package struct Piece: Sendable, Equatable {
        package var text: String
        package var score: Float
        package var type: PieceType
    }

    /// TrainerSpec.model_type.
    package enum ModelType: Int, Sendable {
        case unigram = 1, bpe = 2, word = 3, char = 4
    }

    package var pieces: [Piece] = []
    package var modelType: ModelType = .unigram
    package var byteFallback = false
    package var unknownID = 0, bosID = 1, eosID = 2, padID = -1
    /// NormalizerSpec: "identity", "nmt_nfkc", …; a leading "▁" is added to the input when addDummyPrefix.
    package var normalizerName = ""
    package var addDummyPrefix = true
    package var removeExtraWhitespaces = true

    /// Parses a serialized ModelProto.
    /// - Throws: `StoreError` when the bytes are not a well-formed ModelProto.
    package init(bytes: [UInt8]) throws(StoreError) {
        do {
            var model = ProtobufReader(bytes[...])
            while let (field, value) = try model.next() {
                switch (field, value.bytes) {
                case (1, let message?): pieces.append(try Self.piece(message))
                case (2, let message?): try readTrainerSpec(message)
                case (3, let message?): try readNormalizerSpec(message)
                default: continue
                }
            }
        } catch {
            throw StoreError("tokenizer.model is not a SentencePiece model: \(error.message)")
        }
        guard !pieces.isEmpty else { throw StoreError("tokenizer.model has no pieces") }
    }

    private static func piece(_ message: ArraySlice<UInt8>) throws(ProtobufReader.Malformed) -> Piece {
        var piece = Piece(text: "", score: 0, type: .normal)
        var reader = ProtobufReader(message)
        while let (field, value) = try reader.next() {
            switch field {
            case 1:
                guard let b = value.bytes else { throw .init(message: "piece text is not a string") }
                piece.text = String(decoding: b, as: UTF8.self)
            case 2: piece.score = value.float ?? 0
            case 3:
                guard let raw = value.int, let type = PieceType(rawValue: Int32(truncatingIfNeeded: raw)) else {
                    throw .init(message: "unknown piece type for '\(piece.text)'")
                }
                piece.type = type
            default: continue
            }
        }
        return piece
    }

    private mutating func readTrainerSpec(_ message: ArraySlice<UInt8>) throws(ProtobufReader.Malformed) {
        var reader = ProtobufReader(message)
        while let (field, value) = try reader.next() {
            switch field {
            case 3: modelType = value.int.flatMap(ModelType.init(rawValue:)) ?? modelType
            case 35: byteFallback = value.bool ?? byteFallback
            case 40: unknownID = value.int ?? unknownID
            case 41: bosID = value.int ?? bosID
            case 42: eosID = value.int ?? eosID
            case 43: padID = value.int ?? padID
            default: continue
            }
        }
    }

    private mutating func readNormalizerSpec(_ message: ArraySlice<UInt8>) throws(ProtobufReader.Malformed) {
        var reader = ProtobufReader(message)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: normalizerName = value.bytes.map { String(decoding: $0, as: UTF8.self) } ?? normalizerName
            case 3: addDummyPrefix = value.bool ?? addDummyPrefix
            case 4: removeExtraWhitespaces = value.bool ?? removeExtraWhitespaces
            default: continue
            }
        }
    }
}
