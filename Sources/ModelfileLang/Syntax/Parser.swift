/// Builds a `Modelfile` from the lexer's tokens and reports every syntax error.
///
/// ```
/// modelfile   := { line }
/// line        := blank-line | comment NEWLINE | instruction NEWLINE
/// instruction := KEYWORD BLANK [ NAME BLANK ] ARGUMENT     ; NAME for PARAMETER (name) and MESSAGE (role)
/// ```
/// An instruction with an error is left out of the tree; parsing goes on at the lexer's resync point.
struct Parser {
    var lexer: Lexer
    let source: SourceFile
    var nodes: [Node] = []
    var instructions: [Instruction] = []
    var diagnostics: [Diagnostic] = []
    var current: Token

    init(source: SourceFile) {
        self.source = source
        self.lexer = Lexer(source)
        self.current = lexer.next()
    }

    mutating func advance() -> Token {
        let t = current
        current = lexer.next()
        return t
    }

    /// modelfile := { line }
    mutating func parseModelfile() -> Modelfile {
        var atLineStart = true
        while current.kind != .endOfFile {
            let startOffset = current.range.start
            switch current.kind {
            case .newline:
                let t = advance()
                if atLineStart { nodes.append(.blankLine(t.range)) }
                atLineStart = true
            case .comment:
                let t = advance()
                nodes.append(.comment(Comment(text: t.text, range: t.range)))
                atLineStart = false
            case .keyword:
                parseInstruction()
                atLineStart = false
            default:
                report(advance())
                atLineStart = false
            }
            // Guard against a lexer that stops making progress (it must not, but never hang).
            if current.kind != .endOfFile, current.range.start < startOffset { break }
        }
        for r in source.invalidEncodingRanges { diagnostics.append(.invalidUTF8(at: r)) }
        return Modelfile(source: source, instructions: instructions, nodes: nodes, droppedCharacters: lexer.droppedCharacters)
    }

    /// instruction := KEYWORD BLANK [ NAME BLANK ] ARGUMENT
    mutating func parseInstruction() {
        let word = advance()
        let keyword = Keyword(word: word.text)
        var ok = true
        if keyword == nil {
            ok = false
            let suggestion = EditDistance.closest(to: word.text, in: Keyword.allCases.map(\.rawValue))
            add(.unknownInstruction(word.text, suggestion: suggestion, at: word.range), ollama: invalidCommand(at: word.range.end))
        }
        var name: Token?
        if current.kind == .parameterName || current.kind == .role {
            let t = advance()
            name = t
            if t.kind == .role, !["system", "user", "assistant"].contains(t.text) {
                ok = false
                add(.invalidRole(t.text, at: t.text.isEmpty ? .at(t.range.start) : t.range),
                    ollama: "(line \(source.ollamaLine(at: t.range.end))): message role must be one of \"system\", \"user\", or \"assistant\"")
            }
        }
        if current.kind == .error {
            let t = advance()
            // Ollama reports an unknown word before anything that follows it.
            if keyword != nil { report(t, keyword: word.text) }
            return
        }
        guard ok, let keyword, current.kind == .argument else {
            if current.kind == .argument { _ = advance() }
            return
        }
        let arg = advance()
        nodes.append(.instruction(instructions.count))
        instructions.append(Instruction(
            keyword: keyword, keywordText: word.text, keywordRange: word.range,
            name: name?.text, nameRange: name?.range,
            value: arg.text, valueRange: arg.range, quoting: arg.quoting,
            range: SourceRange(start: word.range.start, end: max(arg.range.end, word.range.end))))
    }

    mutating func report(_ t: Token, keyword: String? = nil) {
        guard let error = t.error else { return }
        let atEnd = t.range.start >= source.bytes.count
        switch error {
        case .invalidCharacterInInstruction(let w):
            let letters = String(w.prefix { $0.isASCII && $0.isLetter })
            let prefix = Keyword(word: letters) != nil ? letters.uppercased() : nil
            add(.malformedInstruction(w, validPrefix: prefix, at: t.range), ollama: invalidCommand(at: firstNonLetter(after: t.range.start)))
        case .missingValue(let after):
            let upper = after.uppercased()
            let what = keyword == nil ? "a value" : upper == "PARAMETER" ? "a parameter name and value"
                : upper == "MESSAGE" ? "a role and content" : "a value"
            let shown = keyword.map { k in k == after ? k : "\(k) \(after)" } ?? after
            let afterWord = keyword == nil || keyword == after   // not after a PARAMETER name or role
            let ollama = atEnd ? "unexpected EOF" : afterWord ? invalidCommand(at: t.range.start) : "unexpected EOF: \(after)"
            add(.missingValue(after: shown, what: what, at: t.range), ollama: ollama)
        case .invalidCharacterInName(let name, let isRole, let character):
            let soFar = name.prefix { $0.isASCII && ($0.isLetter || (!isRole && ($0.isNumber || $0 == "_"))) }
            add(.invalidName(name, isRole: isRole, character: character, at: t.range), ollama: "unexpected EOF: \(soFar)")
        case .unterminatedQuote(let opener):
            add(.unterminatedQuote(opener, at: t.range), ollama: "unexpected EOF")
        case .textAfterClosingQuote(let opener):
            add(.textAfterClosingQuote(opener, at: t.range), ollama: "unexpected EOF")
        }
    }

    /// Records a syntax error with a note quoting what `ollama create` prints for it, so the two
    /// can be matched (Ollama counts CR and LF as separate lines).
    mutating func add(_ d: Diagnostic, ollama: String) {
        var d = d
        d.notes.append(Note("ollama create says: \(ollama)"))
        diagnostics.append(d)
    }

    /// Ollama's invalid-command error for the character at `offset`.
    func invalidCommand(at offset: Int) -> String {
        "(line \(source.ollamaLine(at: offset))): command must be one of \"from\", \"license\", \"template\", \"system\", "
            + "\"adapter\", \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\""
    }

    /// The offset of the character that ends an instruction word early: after its first
    /// character (which may be anything), the first one that is not an ASCII letter.
    func firstNonLetter(after start: Int) -> Int {
        var i = start + 1
        while i < source.bytes.count, source.bytes[i] & 0xC0 == 0x80 { i += 1 }
        while i < source.bytes.count, Lexer.isAlpha(source.bytes[i]) { i += 1 }
        return i
    }
}

extension Modelfile {
    /// Parses a Modelfile and reports its syntax errors.
    ///
    /// Accepts exactly what Ollama's `parser.ParseFile` accepts and yields the same commands;
    /// a missing FROM is reported by `check`, not here.
    /// - Parameters:
    ///   - source: the raw file bytes (UTF-8, or UTF-16 with a BOM).
    ///   - path: the name used in diagnostics.
    /// - Returns: the syntax tree and the diagnostics, in source order.
    public static func parse(source: [UInt8], path: String) -> (Modelfile, [Diagnostic]) {
        parse(SourceFile(path: path, data: source))
    }

    /// Parses text that is already a string. See `parse(source:path:)`.
    public static func parse(source: String, path: String) -> (Modelfile, [Diagnostic]) {
        parse(SourceFile(path: path, text: source))
    }

    /// Parses a decoded source file. See `parse(source:path:)`.
    public static func parse(_ file: SourceFile) -> (Modelfile, [Diagnostic]) {
        var parser = Parser(source: file)
        let modelfile = parser.parseModelfile()
        return (modelfile, parser.diagnostics.sortedByPosition())
    }
}
