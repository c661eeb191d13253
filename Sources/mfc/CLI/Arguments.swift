/// One option a command accepts. `valueName == nil` means a flag without a value.
struct OptionSpec: Sendable {
    var names: [String]        // e.g. ["-f", "--file"]; the last is the canonical key
    var valueName: String?
    var help: String
    var repeatable: Bool

    init(_ names: [String], value valueName: String? = nil, help: String, repeatable: Bool = false) {
        self.names = names
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
    }
    var key: String { names.last! }
}

/// What `mfc help CMD` and `mfc CMD --help` print, generated from the same declarations the parser uses.
struct CommandInfo: Sendable {
    var name: String
    /// Other names that run the same command (Ollama's spellings, e.g. `ls` for `list`).
    var aliases: [String]
    var abstract: String
    var usage: String          // after "mfc NAME "
    var discussion: String
    var options: [OptionSpec]
    /// Smallest and largest number of positional arguments (nil = unbounded).
    var positionals: ClosedRange<Int>?

    init(name: String, aliases: [String] = [], abstract: String, usage: String, discussion: String = "",
                options: [OptionSpec] = [], positionals: ClosedRange<Int>? = nil) {
        self.name = name
        self.aliases = aliases
        self.abstract = abstract
        self.usage = usage
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
    }

    var helpText: String {
        var s = "OVERVIEW: \(abstract)\n\nUSAGE: mfc \(name) \(usage)\n"
        if !aliases.isEmpty { s += "\nALIASES: \(aliases.joined(separator: ", "))\n" }
        if !discussion.isEmpty { s += "\n\(discussion)\n" }
        s += "\nOPTIONS:\n"
        let rows = options.map { o in (o.names.joined(separator: ", ") + (o.valueName.map { " <\($0)>" } ?? ""), o.help) }
            + [("-h, --help", "Show help information.")]
        let width = min(30, rows.map(\.0.count).max() ?? 0)
        for (left, right) in rows {
            let pad = left.count < width ? String(repeating: " ", count: width - left.count) : ""
            s += left.count <= width ? "  \(left)\(pad)  \(right)\n" : "  \(left)\n  \(String(repeating: " ", count: width))  \(right)\n"
        }
        return s
    }
}

/// Bad command-line usage: printed with a pointer to `--help`, exit status 2.
struct UsageError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The result of parsing a command line against a `CommandInfo`.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var helpRequested = false

    /// True if the flag (any of its spellings' canonical key, e.g. "--check") was given.
    func flag(_ key: String) -> Bool { flags.contains(key) }
    /// The last value given for an option, e.g. `value("--format")`.
    func value(_ key: String) -> String? { values[key]?.last }
    /// Every value given for a repeatable option, in order.
    func values(_ key: String) -> [String] { values[key] ?? [] }

    /// Parses `--opt value`, `--opt=value`, `-o value`, flags, `--` and `-` (a positional meaning stdin).
    static func parse(_ args: [String], for info: CommandInfo) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        func spec(for name: String) -> OptionSpec? { info.options.first { $0.names.contains(name) } }
        while index < args.count {
            let arg = args[index]
            index += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                result.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "-h" || arg == "--help" { result.helpRequested = true; continue }
            var name = arg
            var inline: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let option = spec(for: name) else {
                throw UsageError("unknown option '\(name)' for 'mfc \(info.name)'")
            }
            if option.valueName == nil {
                if inline != nil { throw UsageError("option '\(name)' takes no value") }
                result.flags.insert(option.key)
                continue
            }
            let value: String
            if let inline { value = inline } else {
                guard index < args.count else { throw UsageError("option '\(name)' needs a value <\(option.valueName!)>") }
                value = args[index]
                index += 1
            }
            if !option.repeatable, result.values[option.key] != nil {
                throw UsageError("option '\(name)' given more than once")
            }
            result.values[option.key, default: []].append(value)
        }
        if !result.helpRequested, let range = info.positionals, !range.contains(result.positionals.count) {
            if result.positionals.count < range.lowerBound {
                throw UsageError("'mfc \(info.name)' needs \(range.lowerBound == range.upperBound ? "" : "at least ")\(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")")
            }
            let most = range.upperBound == 0 ? "no arguments" : "at most \(range.upperBound) argument\(range.upperBound == 1 ? "" : "s")"
            throw UsageError("'mfc \(info.name)' takes \(most), got \(result.positionals.count): '\(result.positionals[range.upperBound])'")
        }
        return result
    }

    /// Checks that an option's value is one of the allowed words.
    func choice(_ key: String, in allowed: [String], default fallback: String) throws(UsageError) -> String {
        guard let v = value(key) else { return fallback }
        guard allowed.contains(v) else {
            throw UsageError("invalid value '\(v)' for \(key); expected one of: \(allowed.joined(separator: ", "))")
        }
        return v
    }
}
