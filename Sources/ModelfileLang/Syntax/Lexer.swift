/// The Modelfile lexer: Ollama's `ParseFile` state machine, pulled one token at a time.
///
/// The states match Ollama's (`stateNil`, `stateName`, `stateParameter`, `stateMessage`,
/// `stateValue`, `stateComment`) so that every input Ollama accepts yields the same words and
/// values. Where Ollama stops at the first error, this lexer emits an `.error` token and resumes
/// at a sensible place, so one run reports every mistake. It never throws or traps.
///
/// Value rule (Ollama's `unquote`): the value so far, trimmed, is complete at a line break unless
/// it starts with `"""` (then it needs 6+ bytes ending in `"""`) or `"` (2+ bytes ending in `"`).
/// Blanks never end a value. The check is O(1) here: only the trimmed ends and length matter.
public struct Lexer: Sendable {
    enum Mode: Sendable { case lineStart, afterKeyword(String), name(isRole: Bool), value, skipLine }

    let bytes: [UInt8]
    var pos = 0
    var mode = Mode.lineStart
    /// Tokens already produced but not yet returned (a step can produce two).
    var pending: [Token] = []
    /// Invisible characters Ollama silently drops from words and values: (range, scalar value).
    public private(set) var droppedCharacters: [DroppedCharacter] = []
    /// After one value runs to the end of the file, later ones that do the same end lexing,
    /// which keeps error recovery linear.
    var reachedEndUnterminated = false
    var buffer: [UInt8] = []

    public init(_ source: SourceFile) {
        self.bytes = source.bytes
    }

    /// Lexes bytes that are known to be valid UTF-8 (from a Swift string).
    init(validUTF8 bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every token up to and including `.endOfFile`.
    public static func tokenize(_ source: SourceFile) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if t.kind == .endOfFile { return tokens }
        }
    }

    /// The value of the one-line instruction `SYSTEM <text>`, or nil when that is not exactly one
    /// instruction. Used to test whether a quoting of a value reads back unchanged.
    static func readValue(_ text: String, allowDropped: Bool) -> String? {
        var lexer = Lexer(validUTF8: Array(("SYSTEM " + text + "\n").utf8))
        guard lexer.next().kind == .keyword else { return nil }
        let arg = lexer.next()
        guard arg.kind == .argument, lexer.next().kind == .newline, lexer.next().kind == .endOfFile,
              allowDropped || lexer.droppedCharacters.isEmpty else { return nil }
        return arg.text
    }

    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    @inline(__always) static func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Length in bytes of the (valid) UTF-8 scalar starting at `i`.
    @inline(__always) func scalarLength(at i: Int) -> Int {
        let b = bytes[i]
        let n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return min(n, bytes.count - i)
    }

    @inline(__always) func scalarValue(at i: Int, length n: Int) -> UInt32 {
        var v = UInt32(bytes[i])
        if n == 1 { return v }
        v &= n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07
        for k in 1..<n { v = v << 6 | UInt32(bytes[i + k] & 0x3F) }
        return v
    }

    func text(_ lo: Int, _ hi: Int) -> String { String(decoding: bytes[lo..<hi], as: UTF8.self) }

    /// Records a dropped character once, even when error recovery reads its line twice.
    mutating func noteDropped(_ c: DroppedCharacter) {
        if let last = droppedCharacters.last, last.range.start >= c.range.start { return }
        droppedCharacters.append(c)
    }

    /// Returns the next token; `.endOfFile` forever once the input is exhausted.
    public mutating func next() -> Token {
        if !pending.isEmpty { return pending.removeFirst() }
        while true {
            switch mode {
            case .lineStart:
                while pos < bytes.count, Lexer.isBlank(bytes[pos]) { pos += 1 }
                guard pos < bytes.count else { return Token(kind: .endOfFile, range: .at(pos), text: "") }
                let b = bytes[pos]
                if Lexer.isBreak(b) { return lexNewline() }
                if b == UInt8(ascii: "#") { return lexComment() }
                return lexKeyword()
            case .afterKeyword(let word):
                let keyword = Keyword(word: word)
                mode = keyword == .parameter ? .name(isRole: false) : keyword == .message ? .name(isRole: true) : .value
                continue
            case .name(let isRole):
                return lexName(isRole: isRole)
            case .value:
                mode = .lineStart
                return lexValue()
            case .skipLine:
                while pos < bytes.count, !Lexer.isBreak(bytes[pos]) { pos += 1 }
                mode = .lineStart
            }
        }
    }

    mutating func lexNewline() -> Token {
        let start = pos
        if bytes[pos] == 0x0D, pos + 1 < bytes.count, bytes[pos + 1] == 0x0A { pos += 2 } else { pos += 1 }
        return Token(kind: .newline, range: SourceRange(start: start, end: pos), text: "")
    }

    mutating func lexComment() -> Token {
        let start = pos
        while pos < bytes.count, !Lexer.isBreak(bytes[pos]) { pos += 1 }
        return Token(kind: .comment, range: SourceRange(start: start, end: pos), text: text(start, pos))
    }

    /// The end of the run of non-blank, non-break bytes starting at `i`.
    func endOfWord(from i: Int) -> Int {
        var j = i
        while j < bytes.count, !Lexer.isBlank(bytes[j]), !Lexer.isBreak(bytes[j]) { j += 1 }
        return j
    }

    /// `stateName`: the first character is taken whatever it is (dropped if invisible), then letters.
    mutating func lexKeyword() -> Token {
        let start = pos
        var word: [UInt8] = []
        let n = scalarLength(at: pos)
        let v = scalarValue(at: pos, length: n)
        if Printable.isPrint(v) { word.append(contentsOf: bytes[pos..<(pos + n)]) } else {
            noteDropped(DroppedCharacter(range: SourceRange(start: pos, end: pos + n), scalar: v))
        }
        pos += n
        while pos < bytes.count, Lexer.isAlpha(bytes[pos]) { word.append(bytes[pos]); pos += 1 }
        let wordText = String(decoding: word, as: UTF8.self)
        let token = Token(kind: .keyword, range: SourceRange(start: start, end: pos), text: wordText)
        if pos < bytes.count, Lexer.isBlank(bytes[pos]) {
            pos += 1
            mode = .afterKeyword(wordText)
            return token
        }
        if pos >= bytes.count || Lexer.isBreak(bytes[pos]) {
            pending.append(Token(kind: .error, range: .at(pos), text: "", error: .missingValue(after: wordText)))
            return token
        }
        let end = endOfWord(from: pos)
        mode = .skipLine
        return Token(kind: .error, range: SourceRange(start: start, end: end), text: text(start, end),
                     error: .invalidCharacterInInstruction(word: text(start, end)))
    }

    /// `stateParameter` / `stateMessage`: `[A-Za-z0-9_]*` (letters only for roles), then one blank.
    mutating func lexName(isRole: Bool) -> Token {
        let start = pos
        while pos < bytes.count, Lexer.isAlpha(bytes[pos]) || (!isRole && (Lexer.isDigit(bytes[pos]) || bytes[pos] == 0x5F)) {
            pos += 1
        }
        let name = text(start, pos)
        let kind: TokenKind = isRole ? .role : .parameterName
        if pos < bytes.count, Lexer.isBlank(bytes[pos]) {
            pos += 1
            mode = .value
            return Token(kind: kind, range: SourceRange(start: start, end: pos - 1), text: name)
        }
        if pos >= bytes.count || Lexer.isBreak(bytes[pos]) {
            mode = .lineStart
            pending.append(Token(kind: .error, range: .at(pos), text: "", error: .missingValue(after: name)))
            return Token(kind: kind, range: SourceRange(start: start, end: pos), text: name)
        }
        // Ollama stops with `unexpected EOF: <name so far>`; read on to the blank to recover.
        let badStart = pos, badLength = scalarLength(at: pos)
        let bad = text(pos, pos + badLength)
        let end = endOfWord(from: pos)
        pos = end
        if pos < bytes.count, Lexer.isBlank(bytes[pos]) { pos += 1; mode = .value } else { mode = .lineStart }
        return Token(kind: .error, range: SourceRange(start: badStart, end: badStart + badLength), text: text(start, end),
                     error: .invalidCharacterInName(name: text(start, end), isRole: isRole, character: bad))
    }

    /// Result of Ollama's `unquote(strings.TrimSpace(buffer))`, or nil while incomplete.
    @inline(__always)
    func unquoted(trimStart: Int, trimEnd: Int) -> (Range<Int>, Quoting)? {
        guard trimStart >= 0 else { return (0..<0, .none) }
        let len = trimEnd - trimStart
        let q = UInt8(ascii: "\"")
        func isQuote(_ i: Int) -> Bool { buffer[i] == q }
        if len >= 3, isQuote(trimStart), isQuote(trimStart + 1), isQuote(trimStart + 2) {
            guard len >= 6, isQuote(trimEnd - 1), isQuote(trimEnd - 2), isQuote(trimEnd - 3) else { return nil }
            return ((trimStart + 3)..<(trimEnd - 3), .triple)
        }
        if isQuote(trimStart) {
            guard len >= 2, isQuote(trimEnd - 1) else { return nil }
            return ((trimStart + 1)..<(trimEnd - 1), .double)
        }
        return (trimStart..<trimEnd, .none)
    }

    /// `stateValue`: collects the value until a line break at which it is complete.
    mutating func lexValue() -> Token {
        let start = pos
        buffer.removeAll(keepingCapacity: true)
        var trimStart = -1, trimEnd = 0          // trimmed value within `buffer`
        var firstSource = -1, lastSourceEnd = pos // non-blank extent in the source
        while pos < bytes.count {
            let b = bytes[pos]
            if b < 0x80 {
                if Lexer.isBlank(b) { buffer.append(b); pos += 1; continue }
                if Lexer.isBreak(b) {
                    if let (r, q) = unquoted(trimStart: trimStart, trimEnd: trimEnd) {
                        return argument(r, q, start: firstSource < 0 ? start : firstSource, end: lastSourceEnd)
                    }
                    buffer.append(b)
                    pos += 1
                    continue
                }
                if b > 0x20 && b < 0x7F {
                    // Most of a value: a run of printable ASCII and blanks, copied in one go.
                    let run = printableASCIIRun(from: pos)
                    let offset = buffer.count - pos      // buffer index minus source index, along the run
                    buffer.append(contentsOf: bytes[pos..<run.end])
                    if trimStart < 0 { trimStart = run.first + offset }
                    trimEnd = run.last + 1 + offset
                    if firstSource < 0 { firstSource = run.first }
                    lastSourceEnd = run.last + 1
                    pos = run.end
                    continue
                }
                if firstSource < 0 { firstSource = pos }
                noteDropped(DroppedCharacter(range: SourceRange(start: pos, end: pos + 1), scalar: UInt32(b)))
                pos += 1
                lastSourceEnd = pos
                continue
            }
            let n = scalarLength(at: pos)
            let v = scalarValue(at: pos, length: n)
            if firstSource < 0 { firstSource = pos }
            if Printable.isPrint(v) {
                if trimStart < 0 { trimStart = buffer.count }
                buffer.append(contentsOf: bytes[pos..<(pos + n)])
                trimEnd = buffer.count
            } else {
                noteDropped(DroppedCharacter(range: SourceRange(start: pos, end: pos + n), scalar: v))
            }
            pos += n
            lastSourceEnd = pos
        }
        if let (r, q) = unquoted(trimStart: trimStart, trimEnd: trimEnd) {
            return argument(r, q, start: firstSource < 0 ? start : firstSource, end: lastSourceEnd)
        }
        return unterminated(valueStart: firstSource < 0 ? start : firstSource)
    }

    /// The run of printable ASCII bytes and blanks that starts with the printable byte at `i`: where
    /// it ends, and its first and last printable bytes.
    func printableASCIIRun(from i: Int) -> (end: Int, first: Int, last: Int) {
        bytes.withUnsafeBufferPointer { p in
            var j = i + 1, last = i
            while j < p.count {
                let c = p[j]
                if c > 0x20 && c < 0x7F { last = j } else if !Lexer.isBlank(c) { break }
                j += 1
            }
            return (j, i, last)
        }
    }

    func argument(_ r: Range<Int>, _ q: Quoting, start: Int, end: Int) -> Token {
        Token(kind: .argument, range: SourceRange(start: start, end: end),
              text: String(decoding: buffer[r], as: UTF8.self), quoting: q)
    }

    /// A quoted value reached the end of the file. If its first line has the closing quote
    /// followed by more text, that text is the mistake: report it and resume on the next line.
    mutating func unterminated(valueStart: Int) -> Token {
        let triple = valueStart + 2 < bytes.count && bytes[valueStart + 1] == 0x22 && bytes[valueStart + 2] == 0x22
        let opener = triple ? "\"\"\"" : "\""
        let openerEnd = valueStart + opener.utf8.count
        var lineEnd = openerEnd
        while lineEnd < bytes.count, !Lexer.isBreak(bytes[lineEnd]) { lineEnd += 1 }
        let delimiter = Array(opener.utf8)
        var lastClose = -1
        var i = openerEnd
        while i + delimiter.count <= lineEnd {
            if bytes[i..<(i + delimiter.count)].elementsEqual(delimiter) { lastClose = i + delimiter.count }
            i += 1
        }
        if lastClose >= 0 && !reachedEndUnterminated {
            reachedEndUnterminated = true
            var from = lastClose
            while from < lineEnd, Lexer.isBlank(bytes[from]) { from += 1 }
            var to = lineEnd
            while to > from, Lexer.isBlank(bytes[to - 1]) { to -= 1 }
            pos = lineEnd
            mode = .lineStart
            return Token(kind: .error, range: SourceRange(start: from, end: to), text: text(from, to),
                         error: .textAfterClosingQuote(opener: opener))
        }
        reachedEndUnterminated = true
        pos = bytes.count
        return Token(kind: .error, range: SourceRange(start: valueStart, end: min(openerEnd, bytes.count)),
                     text: opener, error: .unterminatedQuote(opener: opener))
    }
}
