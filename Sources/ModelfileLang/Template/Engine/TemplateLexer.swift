/// Tokens of Go's template language, produced one at a time by `TemplateLexer`.
/// Positions are UTF-8 byte offsets into the template text; lines are 1-based.
struct TemplateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case error, bool, char, charConstant, comment, complex, assign, declare, eof, field, identifier
        case leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen, space, string, text, variable
        // Keywords (Go orders them after itemKeyword; `description` prints them as <word>).
        case block, breakKeyword, continueKeyword, dot, define, elseKeyword, end, ifKeyword, nilKeyword, range, template, with

        var isKeyword: Bool {
            switch self {
            case .block, .breakKeyword, .continueKeyword, .dot, .define, .elseKeyword, .end, .ifKeyword, .nilKeyword,
                 .range, .template, .with: return true
            default: return false
            }
        }
    }
    var kind: Kind
    var pos: Int
    var value: String
    var line: Int

    /// How Go's parser quotes a token in "unexpected X in Y".
    var description: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        case _ where kind.isKeyword: return "<\(value)>"
        default:
            let scalars = Array(value.unicodeScalars)
            if scalars.count > 10 { return GoQuote.quote(String(String.UnicodeScalarView(scalars.prefix(10)))) + "..." }
            return GoQuote.quote(value)
        }
    }
}

/// Go's `text/template` lexer as a pull-based state machine: trim markers (`{{- ` and ` -}}`)
/// are applied here, comments are skipped, and bad input becomes an `.error` token (never a trap).
struct TemplateLexer {
    private enum State { case text, leftDelim, insideAction, comment, rightDelim, done }
    static let keywords: [String: TemplateToken.Kind] = [
        ".": .dot, "block": .block, "break": .breakKeyword, "continue": .continueKeyword, "define": .define,
        "else": .elseKeyword, "end": .end, "if": .ifKeyword, "range": .range, "nil": .nilKeyword,
        "template": .template, "with": .with,
    ]

    let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var atEOF = false
    private var parenDepth = 0
    private var line = 1
    private var startLine = 1
    private var state = State.text
    private var pending: [TemplateToken] = []

    init(_ text: String) { input = Array(text.utf8) }

    /// The next token; after `.eof` or `.error` it keeps returning `.eof`.
    mutating func next() -> TemplateToken {
        while pending.isEmpty {
            switch state {
            case .text: lexText()
            case .leftDelim: lexLeftDelim()
            case .insideAction: lexInsideAction()
            case .comment: lexComment()
            case .rightDelim: lexRightDelim()
            case .done: return TemplateToken(kind: .eof, pos: input.count, value: "", line: line)
            }
        }
        return pending.removeFirst()
    }

    // MARK: Character helpers (byte offsets, decoding UTF-8 like Go)

    private static let eof: Int32 = -1

    private mutating func nextRune() -> Int32 {
        if pos >= input.count { atEOF = true; return Self.eof }
        let (r, w) = decodeRune(at: pos)
        pos += w
        if r == 0x0A { line += 1 }
        return r
    }

    private mutating func peekRune() -> Int32 {
        let r = nextRune()
        backup()
        return r
    }

    private mutating func backup() {
        if !atEOF && pos > 0 {
            var p = pos - 1
            while p > 0, input[p] & 0xC0 == 0x80, pos - p < 4 { p -= 1 }
            let (r, w) = decodeRune(at: p)
            let width = (p + w == pos) ? w : 1
            pos -= width
            if r == 0x0A && width == 1 { line -= 1 }
        }
    }

    /// Decodes one rune; invalid UTF-8 gives U+FFFD of width 1, as Go's utf8.DecodeRune does.
    func decodeRune(at p: Int) -> (Int32, Int) { decodeUTF8Rune(input, at: p) }

    private mutating func emit(_ kind: TemplateToken.Kind) {
        let value = String(decoding: input[start..<pos], as: UTF8.self)
        pending.append(TemplateToken(kind: kind, pos: start, value: value, line: startLine))
        start = pos
        startLine = line
    }

    private mutating func ignore() {
        line += countNewlines(start, pos)
        start = pos
        startLine = line
    }

    private func countNewlines(_ a: Int, _ b: Int) -> Int {
        guard a < b else { return 0 }
        var n = 0
        for i in a..<b where input[i] == 0x0A { n += 1 }
        return n
    }

    private mutating func accept(_ valid: String) -> Bool {
        let r = nextRune()
        if r >= 0, let s = Unicode.Scalar(UInt32(r)), valid.unicodeScalars.contains(s) { return true }
        backup()
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while true {
            let r = nextRune()
            guard r >= 0, let s = Unicode.Scalar(UInt32(r)), valid.unicodeScalars.contains(s) else { break }
        }
        backup()
    }

    private mutating func fail(_ message: String) {
        pending.append(TemplateToken(kind: .error, pos: start, value: message, line: startLine))
        state = .done
    }

    private func hasPrefix(_ s: String, at p: Int) -> Bool {
        let b = Array(s.utf8)
        guard p >= 0, p + b.count <= input.count else { return false }
        for i in 0..<b.count where input[p + i] != b[i] { return false }
        return true
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
    private static func isSpace(_ r: Int32) -> Bool { r == 0x20 || r == 0x09 || r == 0x0D || r == 0x0A }

    private func hasLeftTrimMarker(at p: Int) -> Bool {
        p + 1 < input.count && input[p] == UInt8(ascii: "-") && Self.isSpace(input[p + 1])
    }

    private func hasRightTrimMarker(at p: Int) -> Bool {
        p >= 0 && p + 1 < input.count && Self.isSpace(input[p]) && input[p + 1] == UInt8(ascii: "-")
    }

    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        if hasRightTrimMarker(at: pos) && hasPrefix("}}", at: pos + 2) { return (true, true) }
        if hasPrefix("}}", at: pos) { return (true, false) }
        return (false, false)
    }

    // MARK: States

    private mutating func lexText() {
        var x = pos
        while x + 1 < input.count, !(input[x] == UInt8(ascii: "{") && input[x + 1] == UInt8(ascii: "{")) { x += 1 }
        if x + 1 < input.count {
            pos = x
            var trimLength = 0
            if hasLeftTrimMarker(at: pos + 2) {
                var e = pos
                while e > start, Self.isSpace(input[e - 1]) { e -= 1 }
                trimLength = pos - e
            }
            pos -= trimLength
            if pos > start {
                line += countNewlines(start, pos)
                emit(.text)
            }
            pos += trimLength
            ignore()
            state = .leftDelim
            return
        }
        pos = input.count
        if pos > start {
            line += countNewlines(start, pos)
            emit(.text)
        }
        emit(.eof)
        state = .done
    }

    private mutating func lexLeftDelim() {
        pos += 2
        let trimSpace = hasLeftTrimMarker(at: pos)
        let afterMarker = trimSpace ? 2 : 0
        if hasPrefix("/*", at: pos + afterMarker) {
            pos += afterMarker
            ignore()
            state = .comment
            return
        }
        emit(.leftDelim)
        pos += afterMarker
        ignore()
        parenDepth = 0
        state = .insideAction
    }

    private mutating func lexComment() {
        pos += 2
        var i = pos
        while i + 1 < input.count, !(input[i] == UInt8(ascii: "*") && input[i + 1] == UInt8(ascii: "/")) { i += 1 }
        guard i + 1 < input.count else { return fail("unclosed comment") }
        pos = i + 2
        let (delim, trimSpace) = atRightDelim()
        guard delim else { return fail("comment ends before closing delimiter") }
        if trimSpace { pos += 2 }
        pos += 2
        if trimSpace { while pos < input.count, Self.isSpace(input[pos]) { pos += 1 } }
        ignore()
        state = .text
    }

    private mutating func lexRightDelim() {
        let trimSpace = hasRightTrimMarker(at: pos)
        if trimSpace {
            pos += 2
            ignore()
        }
        pos += 2
        emit(.rightDelim)
        if trimSpace {
            while pos < input.count, Self.isSpace(input[pos]) { pos += 1 }
            ignore()
        }
        state = .text
    }

    private mutating func lexInsideAction() {
        let (delim, _) = atRightDelim()
        if delim {
            if parenDepth == 0 { state = .rightDelim; return }
            return fail("unclosed left paren")
        }
        let r = nextRune()
        switch r {
        case Self.eof:
            return fail("unclosed action")
        case _ where Self.isSpace(r):
            backup()
            lexSpace()
        case 0x3D: emit(.assign)                           // '='
        case 0x3A:                                         // ':'
            if nextRune() != 0x3D { return fail("expected :=") }
            emit(.declare)
        case 0x7C: emit(.pipe)                             // '|'
        case 0x22: lexQuote()                              // '"'
        case 0x60: lexRawQuote()                           // '`'
        case 0x24: lexVariable()                           // '$'
        case 0x27: lexChar()                               // '\''
        case 0x2E where pos < input.count && !(0x30...0x39).contains(input[pos]):
            lexFieldOrVariable(.field)                      // '.' not starting a number
        case 0x2E, 0x2B, 0x2D, 0x30...0x39:                // '.', '+', '-', digit
            backup()
            lexNumber()
        case _ where isAlphaNumeric(r):
            backup()
            lexIdentifier()
        case 0x28:                                         // '('
            emit(.leftParen)
            parenDepth += 1
        case 0x29:                                         // ')'
            emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right paren \(goUnicodeSharp(r))") }
        case _ where r <= 0x7F && isGoPrint(r):
            emit(.char)
        default:
            return fail("unrecognized character in action: \(goUnicodeSharp(r))")
        }
    }

    private mutating func lexSpace() {
        var numSpaces = 0
        while true {
            let r = peekRune()
            if !Self.isSpace(r) { break }
            _ = nextRune()
            numSpaces += 1
        }
        if hasRightTrimMarker(at: pos - 1) && hasPrefix("}}", at: pos - 1 + 2) {
            backup()
            if numSpaces == 1 {
                state = .rightDelim
                return
            }
        }
        emit(.space)
    }

    private mutating func lexIdentifier() {
        while true {
            let r = nextRune()
            if isAlphaNumeric(r) { continue }
            backup()
            let word = String(decoding: input[start..<pos], as: UTF8.self)
            if !atTerminator() { return fail("bad character \(goUnicodeSharp(r))") }
            if let k = Self.keywords[word], k != .dot {
                emit(k)
            } else if word.hasPrefix(".") {
                emit(.field)
            } else if word == "true" || word == "false" {
                emit(.bool)
            } else {
                emit(.identifier)
            }
            return
        }
    }

    private mutating func lexVariable() {
        if atTerminator() {
            emit(.variable)
            return
        }
        lexFieldOrVariable(.variable)
    }

    private mutating func lexFieldOrVariable(_ kind: TemplateToken.Kind) {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return
        }
        var r: Int32
        while true {
            r = nextRune()
            if !isAlphaNumeric(r) { backup(); break }
        }
        if !atTerminator() { return fail("bad character \(goUnicodeSharp(r))") }
        emit(kind)
    }

    private mutating func atTerminator() -> Bool {
        let r = peekRune()
        if Self.isSpace(r) { return true }
        switch r {
        case Self.eof, 0x2E, 0x2C, 0x7C, 0x3A, 0x29, 0x28: return true   // eof . , | : ) (
        default: return hasPrefix("}}", at: pos)
        }
    }

    private mutating func lexChar() { lexQuoted(quote: 0x27, kind: .charConstant, error: "unterminated character constant") }

    private mutating func lexNumber() {
        if !scanNumber() { return fail("bad number syntax: \(GoQuote.quote(String(decoding: input[start..<pos], as: UTF8.self)))") }
        let sign = peekRune()
        if sign == 0x2B || sign == 0x2D {
            if !scanNumber() || input[pos - 1] != UInt8(ascii: "i") {
                return fail("bad number syntax: \(GoQuote.quote(String(decoding: input[start..<pos], as: UTF8.self)))")
            }
            emit(.complex)
        } else {
            emit(.number)
        }
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") { digits = "0123456789abcdefABCDEF_" }
            else if accept("oO") { digits = "01234567_" }
            else if accept("bB") { digits = "01_" }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if isAlphaNumeric(peekRune()) {
            _ = nextRune()
            return false
        }
        return true
    }

    private mutating func lexQuote() { lexQuoted(quote: 0x22, kind: .string, error: "unterminated quoted string") }

    /// A '...' or "..." literal: backslash escapes anything but a newline; a newline or EOF is an error.
    private mutating func lexQuoted(quote: Int32, kind: TemplateToken.Kind, error: String) {
        while true {
            let r = nextRune()
            if r == 0x5C {
                let escaped = nextRune()
                if escaped != Self.eof && escaped != 0x0A { continue }
                return fail(error)
            }
            if r == Self.eof || r == 0x0A { return fail(error) }
            if r == quote {
                emit(kind)
                return
            }
        }
    }

    private mutating func lexRawQuote() {
        while true {
            switch nextRune() {
            case Self.eof: return fail("unterminated raw quoted string")
            case 0x60:
                emit(.rawString)
                return
            default: continue
            }
        }
    }
}

/// Go's `unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'`.
func isAlphaNumeric(_ r: Int32) -> Bool {
    if r == 0x5F { return true }
    if r < 0 { return false }
    if r < 0x80 {
        return (0x30...0x39).contains(r) || (0x41...0x5A).contains(r) || (0x61...0x7A).contains(r)
    }
    guard let s = Unicode.Scalar(UInt32(r)) else { return false }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
    default: return false
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
func isGoPrint(_ r: Int32) -> Bool {
    if r == 0x20 { return true }
    guard r >= 0, let s = Unicode.Scalar(UInt32(r)) else { return false }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
         .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
         .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
         .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
        return true
    default:
        return false
    }
}

/// Go's `%#U`: `U+0041 'A'`, or just `U+0007` when not printable.
func goUnicodeSharp(_ r: Int32) -> String {
    let hex = String(UInt32(max(r, 0)), radix: 16, uppercase: true)
    let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    if isGoPrint(r), let s = Unicode.Scalar(UInt32(r)) { return code + " '" + String(Character(s)) + "'" }
    return code
}

/// Decodes one UTF-8 rune at `p`; invalid bytes give U+FFFD with width 1 (Go's rule).
func decodeUTF8Rune(_ b: [UInt8], at p: Int) -> (Int32, Int) {
    let c0 = b[p]
    if c0 < 0x80 { return (Int32(c0), 1) }
    func cont(_ i: Int) -> UInt32? {
        guard p + i < b.count, b[p + i] & 0xC0 == 0x80 else { return nil }
        return UInt32(b[p + i] & 0x3F)
    }
    if c0 & 0xE0 == 0xC0, let c1 = cont(1) {
        let r = UInt32(c0 & 0x1F) << 6 | c1
        if r >= 0x80 { return (Int32(r), 2) }
    } else if c0 & 0xF0 == 0xE0, let c1 = cont(1), let c2 = cont(2) {
        let r = UInt32(c0 & 0x0F) << 12 | c1 << 6 | c2
        if r >= 0x800 && !(0xD800...0xDFFF).contains(r) { return (Int32(r), 3) }
    } else if c0 & 0xF8 == 0xF0, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
        let r = UInt32(c0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
        if r >= 0x10000 && r <= 0x10FFFF { return (Int32(r), 4) }
    }
    return (0xFFFD, 1)
}
