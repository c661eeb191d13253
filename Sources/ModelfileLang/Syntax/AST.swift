/// The instruction words Ollama accepts (case-insensitive in the source).
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case from = "FROM", parameter = "PARAMETER", template = "TEMPLATE", system = "SYSTEM"
    case adapter = "ADAPTER", license = "LICENSE", message = "MESSAGE", requires = "REQUIRES"
    case renderer = "RENDERER", parser = "PARSER", draft = "DRAFT"

    /// Parses a word the way Ollama does (`strings.ToLower` then a fixed list).
    /// Only ASCII letters match: Ollama never sees others here (while Swift's `uppercased()` would
    /// map the Kelvin sign to K). Compared as 16 packed bytes, without building an uppercased copy.
    public init?(word: String) {
        guard let packed = Keyword.packedUppercase(word.utf8),
              let match = Keyword.packedWords.first(where: { $0.packed == packed }) else { return nil }
        self = match.keyword
    }

    /// Up to 15 ASCII bytes with a-z capitalised, and the length in the top byte; nil otherwise.
    /// (A `UInt128`, not a `SIMD16<UInt8>`: the generic vector's metadata costs every start-up a
    /// protocol-conformance scan of the whole binary.)
    static func packedUppercase(_ bytes: String.UTF8View) -> UInt128? {
        var v: UInt128 = 0, n = 0
        for b in bytes {
            guard n < 15, b < 0x80 else { return nil }
            v |= UInt128(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) << (8 * n)
            n += 1
        }
        return v | UInt128(n) << 120
    }

    static let packedWords: [(packed: UInt128, keyword: Keyword)] = allCases.compactMap { k in
        packedUppercase(k.rawValue.utf8).map { ($0, k) }
    }

    /// The command name Ollama stores (`Command.Name`); PARAMETER stores the parameter's name.
    public var commandName: String {
        self == .from ? "model" : rawValue.lowercased()
    }
}

/// One instruction with its source ranges.
///
/// `value` is the argument exactly as Ollama stores it: trimmed, unquoted, invisible characters
/// dropped. For MESSAGE it is the content only; `ollamaCommand` adds the `role: ` prefix.
public struct Instruction: Sendable, Hashable {
    public var keyword: Keyword
    /// The word as written (`from`, `FrOm`, ...).
    public var keywordText: String
    public var keywordRange: SourceRange
    /// PARAMETER's name or MESSAGE's role, as written.
    public var name: String?
    public var nameRange: SourceRange?
    public var value: String
    /// The argument in the source, from its first to its last non-blank byte (quotes included).
    public var valueRange: SourceRange
    public var quoting: Quoting
    /// From the keyword to the end of the argument.
    public var range: SourceRange

    /// The command as Ollama's parser returns it (`Command{Name, Args}`).
    public var ollamaCommand: OllamaCommand {
        switch keyword {
        case .parameter: OllamaCommand(name: name ?? "", args: value)
        case .message: OllamaCommand(name: "message", args: (name ?? "") + ": " + value)
        default: OllamaCommand(name: keyword.commandName, args: value)
        }
    }
}

/// A `#` comment line.
public struct Comment: Sendable, Hashable {
    /// From `#` to the end of the line.
    public var text: String
    public var range: SourceRange
}

/// An item of a Modelfile in source order; comments and blank lines are kept for the formatter.
public enum Node: Sendable, Hashable {
    /// An index into `Modelfile.instructions`.
    case instruction(Int)
    case comment(Comment)
    /// An empty (or blank-only) line.
    case blankLine(SourceRange)
}

/// One command as Ollama stores it: `Name` is `model`, a parameter name, `template`, ...,
/// and `Args` is the value (`"<role>: <content>"` for `message`).
public struct OllamaCommand: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var args: String

    public init(name: String, args: String) {
        self.name = name
        self.args = args
    }

    /// Ollama's `Command.String()`: how `ollama show --modelfile` prints the command.
    public var description: String {
        switch name {
        case "model": return "FROM " + args
        case "license", "template", "system", "adapter", "renderer", "parser", "requires", "draft":
            return name.uppercased() + " " + OllamaCommand.showQuote(args)
        case "message":
            let (role, content) = OllamaCommand.cutRole(args)
            return "MESSAGE " + role + " " + OllamaCommand.showQuote(content)
        default:
            return "PARAMETER " + name + " " + OllamaCommand.showQuote(args)
        }
    }

    /// Ollama's `quote`: quotes only values with a line feed or a leading or trailing space.
    public static func showQuote(_ s: String) -> String {
        let u = s.utf8
        guard u.contains(0x0A) || u.first == 0x20 || u.last == 0x20 else { return s }
        return u.contains(0x22) ? "\"\"\"" + s + "\"\"\"" : "\"" + s + "\""
    }

    /// `strings.Cut(args, ": ")`.
    static func cutRole(_ args: String) -> (String, String) {
        let b = Array(args.utf8)
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3A, b[i + 1] == 0x20 {
                return (String(decoding: b[..<i], as: UTF8.self), String(decoding: b[(i + 2)...], as: UTF8.self))
            }
            i += 1
        }
        return (args, "")
    }
}

/// A parsed Modelfile: the source and its nodes in order.
public struct Modelfile: Sendable {
    public var source: SourceFile
    /// The instructions in source order.
    public var instructions: [Instruction]
    /// Instructions (by index), comments and blank lines in source order, for the formatter.
    public var nodes: [Node]
    /// Invisible characters Ollama silently drops from instruction words and values.
    public var droppedCharacters: [DroppedCharacter] = []

    /// The final instruction list as Ollama's `parser.ParseFile` returns it, for the Builder.
    /// Only meaningful when parsing gave no errors.
    public var ollamaCommands: [OllamaCommand] { instructions.map(\.ollamaCommand) }
}

/// A character Ollama's parser drops because Go's `strconv.IsPrint` rejects it (NBSP, ZWJ, ...).
public struct DroppedCharacter: Sendable, Hashable {
    public var range: SourceRange
    public var scalar: UInt32
}
