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
            diagnostics.append(.unknownInstruction(word.text, suggestion: suggestion, at: word.range))
        }
        var name: Token?
        if current.kind == .parameterName || current.kind == .role {
            let t = advance()
            name = t
            if t.kind == .role, !["system", "user", "assistant"].contains(t.text) {
                ok = false
                diagnostics.append(.invalidRole(t.text, at: t.kind == .role && t.text.isEmpty ? .at(t.range.start) : t.range))
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
        switch error {
        case .invalidCharacterInInstruction(let w):
            let letters = String(w.prefix { $0.isASCII && $0.isLetter })
            let prefix = Keyword(word: letters) != nil ? letters.uppercased() : nil
            diagnostics.append(.malformedInstruction(w, validPrefix: prefix, at: t.range))
        case .missingValue(let after):
            let upper = after.uppercased()
            let what = keyword == nil ? "a value" : upper == "PARAMETER" ? "a parameter name and value"
                : upper == "MESSAGE" ? "a role and content" : "a value"
            let shown = keyword.map { k in k == after ? k : "\(k) \(after)" } ?? after
            diagnostics.append(.missingValue(after: shown, what: what, at: t.range))
        case .invalidCharacterInName(let name, let isRole, let character):
            diagnostics.append(.invalidName(name, isRole: isRole, character: character, at: t.range))
        case .unterminatedQuote(let opener):
            diagnostics.append(.unterminatedQuote(opener, at: t.range))
        case .textAfterClosingQuote(let opener):
            diagnostics.append(.textAfterClosingQuote(opener, at: t.range))
        }
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
