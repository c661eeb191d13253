/// `mfc fmt`: one canonical layout for a Modelfile that keeps its meaning and its comments.
///
/// Layout (documented in the README): upper-case keywords; one space between keyword, name or
/// role, and value; comments on their own lines, trailing blanks removed; at most one blank line
/// in a row and none at the start or end; the file's line break style (LF, or CRLF when its first
/// line ends in CRLF); one line break at the end. Values get the lightest quoting that Ollama
/// reads back as the same value: bare, then `"..."`, then `"""..."""` for one-line values;
/// `"""..."""`, then `"..."` for multi-line values; if none works, the original spelling.
/// Formatting is idempotent, and `parse(format(x))` yields the same commands as `parse(x)`.
public enum Formatter {
    /// Formats a parsed Modelfile. Call only when parsing reported no errors: instructions with
    /// syntax errors are not in the tree and would be lost.
    /// - Parameter modelfile: the parsed file.
    /// - Returns: the formatted text.
    public static func format(_ modelfile: Modelfile) -> String {
        let source = modelfile.source
        let lineBreak = usesCRLF(source.bytes) ? "\r\n" : "\n"
        var tokens: [LayoutToken] = []
        for node in modelfile.nodes {
            switch node {
            case .blankLine:
                tokens.append(.newline(hard: true))
            case .comment(let c):
                tokens += [.text(trimTrailingBlanks(c.text)), .newline(hard: false)]
            case .instruction(let k):
                tokens += layout(modelfile.instructions[k], source: source)
                tokens.append(.newline(hard: false))
            }
        }
        return Printer(lineBreak: lineBreak).print(tokens)
    }

    /// Formats source text; nil when it has syntax errors.
    public static func format(source: [UInt8], path: String) -> String? {
        let (modelfile, diagnostics) = Modelfile.parse(source: source, path: path)
        return diagnostics.hasErrors ? nil : format(modelfile)
    }

    static func layout(_ i: Instruction, source: SourceFile) -> [LayoutToken] {
        var tokens: [LayoutToken] = [.text(i.keyword.rawValue)]
        switch i.keyword {
        case .parameter where i.name == "":
            // Two blanks mean an empty name; one would change the meaning.
            tokens = [.text(i.keyword.rawValue + " ")]
        case .parameter, .message:
            tokens += [.space, .text(i.name ?? "")]
        default:
            break
        }
        let value = quoted(i.value, original: source.text(in: i.valueRange))
        if !value.isEmpty { tokens += [.space, .text(value)] }
        return tokens
    }

    /// The lightest quoting of `value` that reads back as `value`, else the original spelling.
    static func quoted(_ value: String, original: String) -> String {
        ModelfileQuoting.quote(value) ?? original
    }


    static func usesCRLF(_ bytes: [UInt8]) -> Bool {
        guard let i = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return false }
        return bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A
    }

    static func trimTrailingBlanks(_ s: String) -> String {
        var u = Array(s.utf8)
        while let last = u.last, last == 0x20 || last == 0x09 { u.removeLast() }
        return String(decoding: u, as: UTF8.self)
    }
}
