/// The Unicode facts a pre-tokenizer asks about one code point, as llama.cpp's `unicode_cpt_flags`.
///
/// Categories come from the standard library's Unicode tables; "whitespace" is llama.cpp's fixed
/// set (`\s`), not Unicode's White_Space property (they differ on U+180E and U+FEFF).
struct CodepointClass: Sendable, Equatable {
    var isLetter = false        // \p{L}
    var isNumber = false        // \p{N}
    var isPunctuation = false   // \p{P}
    var isWhitespace = false    // \s
    /// False only for "no code point" (past the end of a piece), which matches no class at all.
    var exists = false

    static let none = CodepointClass()

    init() {}

    init(_ scalar: Unicode.Scalar) {
        exists = true
        isWhitespace = Self.whitespace.contains(scalar.value)
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            isLetter = true
        case .decimalNumber, .letterNumber, .otherNumber:
            isNumber = true
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            isPunctuation = true
        default:
            break
        }
    }

    /// `[^\s\p{L}\p{N}]`: any existing code point that is not whitespace, a letter or a number.
    var isOther: Bool { exists && !isWhitespace && !isLetter && !isNumber }

    /// llama.cpp's `unicode_set_whitespace`.
    static let whitespace: Set<UInt32> = [
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    ]
}
