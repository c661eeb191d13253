/// Renders diagnostics for people: a pure function of the diagnostics and the source.
///
/// ```
/// Modelfile:4:11: error[MF1002]: unknown parameter 'temprature'
///   4 | PARAMETER temprature 0.7
///     |           ^~~~~~~~~~ did you mean 'temperature'?
/// Modelfile:2:1: note: first FROM is here
/// 1 error
/// ```
/// Positions are 1-based with UTF-8 byte columns; the caret is placed by Characters.
public enum DiagnosticRenderer {
    /// Renders every diagnostic, then (if `summary`) a line such as `2 errors, 1 warning`.
    /// - Parameters:
    ///   - diagnostics: in the order to print.
    ///   - source: the file they refer to (its `path` is printed).
    ///   - color: ANSI colours; pass true only for a terminal without `NO_COLOR`.
    ///   - summary: append the count line.
    /// - Returns: the text, each line ended by `\n`; empty when there is nothing to report.
    public static func render(_ diagnostics: [Diagnostic], source: SourceFile, color: Bool = false,
                              summary: Bool = true) -> String {
        var out = ""
        for d in diagnostics { out += render(d, source: source, color: color) }
        if summary { out += summaryLine(diagnostics) }
        return out
    }

    /// `2 errors, 1 warning` plus a newline, or "" when there are neither.
    public static func summaryLine(_ diagnostics: [Diagnostic]) -> String {
        summaryLine(errors: diagnostics.count { $0.severity == .error },
                    warnings: diagnostics.count { $0.severity == .warning })
    }

    public static func summaryLine(errors: Int, warnings: Int) -> String {
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error" + (errors == 1 ? "" : "s")) }
        if warnings > 0 { parts.append("\(warnings) warning" + (warnings == 1 ? "" : "s")) }
        return parts.isEmpty ? "" : parts.joined(separator: ", ") + "\n"
    }

    /// Characters shown before the caret, under it, and after it on a long line.
    static let maxLine = 200, maxBefore = 60, maxUnder = 80, maxAfter = 40

    /// Moves an offset to the nearest UTF-8 character boundary (forward or backward).
    static func boundary(_ offset: Int, in source: SourceFile, forward: Bool) -> Int {
        var i = offset
        while i > 0, i < source.bytes.count, source.bytes[i] & 0xC0 == 0x80 { i += forward ? 1 : -1 }
        return i
    }

    static func paint(_ s: String, _ code: String, _ on: Bool) -> String { on ? "\u{1B}[\(code)m" + s + "\u{1B}[0m" : s }

    static func severityCode(_ s: Severity) -> String {
        switch s {
        case .error: "1;31"
        case .warning: "1;33"
        case .note: "1;36"
        }
    }

    static func render(_ d: Diagnostic, source: SourceFile, color: Bool) -> String {
        let loc = source.location(of: d.range.start)
        let label = d.severity == .note ? "note" : "\(d.severity.rawValue)[\(d.code)]"
        var out = paint("\(source.path):\(loc.line):\(loc.column):", "1", color) + " "
            + paint(label, severityCode(d.severity), color) + ": " + paint(d.message, "1", color) + "\n"
        out += snippet(d.range, help: d.help, severity: d.severity, source: source, color: color)
        for note in d.notes {
            if let r = note.range {
                let nl = source.location(of: r.start)
                out += paint("\(source.path):\(nl.line):\(nl.column):", "1", color) + " "
                    + paint("note", severityCode(.note), color) + ": " + note.message + "\n"
            } else {
                out += "  = " + paint("note", severityCode(.note), color) + ": " + note.message + "\n"
            }
        }
        return out
    }

    /// The source line and a caret line under the range's part on that line.
    static func snippet(_ range: SourceRange, help: String?, severity: Severity, source: SourceFile, color: Bool) -> String {
        let loc = source.location(of: range.start)
        let lineRange = source.lineRange(loc.line)
        let startInLine = min(max(range.start, lineRange.start), lineRange.end)
        let endInLine = min(max(range.end, startInLine), lineRange.end)
        // Long lines are shown as a window around the caret, so output stays linear in the input:
        // only a bounded number of bytes on each side is even read (4 bytes per character at most).
        let long = lineRange.count > maxLine
        let beforeStart = long ? boundary(max(lineRange.start, startInLine - 4 * maxBefore), in: source, forward: true) : lineRange.start
        let underEnd = long ? boundary(min(endInLine, startInLine + 4 * maxUnder), in: source, forward: false) : endInLine
        let afterEnd = long ? boundary(min(lineRange.end, underEnd + 4 * maxAfter), in: source, forward: false) : lineRange.end
        var before = source.text(in: SourceRange(start: beforeStart, end: startInLine))
        var under = source.text(in: SourceRange(start: startInLine, end: underEnd))
        var after = source.text(in: SourceRange(start: underEnd, end: afterEnd))
        if long {
            if beforeStart > lineRange.start, before.count <= maxBefore { before = "..." + before }
            if afterEnd < lineRange.end, after.count <= maxAfter { after += "..." }
            if before.count > maxBefore { before = "..." + String(before.suffix(maxBefore - 3)) }
            if under.count > maxUnder { under = String(under.prefix(maxUnder)); after = "..." }
            if after.count > maxAfter { after = String(after.prefix(maxAfter - 3)) + "..." }
        }
        let number = String(loc.line)
        let gutter = "  " + String(repeating: " ", count: number.count) + " |"
        var out = "  " + number + " | " + before + under + after + "\n"
        // Keep tabs so the caret lines up under a tab-indented source line.
        let pad = String(before.map { $0 == "\t" ? "\t" : " " })
        let width = max(1, under.count)
        let carets = "^" + String(repeating: "~", count: width - 1)
        out += gutter + " " + pad + paint(carets, severityCode(severity), color)
        if let help { out += " " + paint(help, severityCode(severity), color) }
        return out + "\n"
    }
}
