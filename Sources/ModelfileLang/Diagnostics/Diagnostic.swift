/// How bad a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable {
    case error, warning, note

    var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A text edit that fixes a diagnostic: replace `range` with `replacement`.
public struct FixIt: Sendable, Hashable {
    public var range: SourceRange
    public var replacement: String

    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// Extra information attached to a diagnostic, optionally pointing somewhere in the same file.
public struct Note: Sendable, Hashable {
    public var message: String
    public var range: SourceRange?

    public init(_ message: String, at range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// One finding about a Modelfile: a stable code, a severity, a message and where it is.
///
/// Messages are lower case without a final period, quote the source and say what was expected.
/// `help` is printed after the caret (`^~~~ did you mean 'temperature'?`).
public struct Diagnostic: Sendable, Hashable {
    public var code: DiagnosticCode
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    /// Short advice shown under the source line, after the caret.
    public var help: String?
    public var notes: [Note]
    public var fixIts: [FixIt]

    public init(code: DiagnosticCode, severity: Severity? = nil, message: String, range: SourceRange,
                help: String? = nil, notes: [Note] = [], fixIts: [FixIt] = []) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.range = range
        self.help = help
        self.notes = notes
        self.fixIts = fixIts
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by position, then by code, for stable output.
    public func sortedByPosition() -> [Diagnostic] {
        sorted { ($0.range.start, $0.code.number) < ($1.range.start, $1.code.number) }
    }
}
