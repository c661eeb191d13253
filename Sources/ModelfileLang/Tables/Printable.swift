/// Go's `strconv.IsPrint`, which Ollama's parser uses to drop characters it cannot print.
///
/// A rune is printable when it is a letter, mark, number, punctuation or symbol (Unicode
/// categories L, M, N, P, S) or the ASCII space. Go 1.21+ ships Unicode 15.0 tables, so a
/// character assigned in a later Unicode version is unassigned, hence not printable, to Ollama.
enum Printable {
    /// The Unicode version of Go's tables.
    static let goUnicodeMajor = 15, goUnicodeMinor = 0

    @inline(__always)
    static func isPrint(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 0x20 && v < 0x7F }
        if v <= 0xFF { return v >= 0xA1 && v != 0xAD }
        return isPrintSlow(v)
    }

    static func isPrintSlow(_ v: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(v) else { return false }
        let p = scalar.properties
        guard let age = p.age,
              age.major < goUnicodeMajor || (age.major == goUnicodeMajor && age.minor <= goUnicodeMinor)
        else { return false }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
