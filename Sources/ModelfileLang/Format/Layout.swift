/// The formatter's output vocabulary: the rewrites decide the words, the printer only lays them out.
enum LayoutToken: Sendable, Hashable {
    /// Verbatim text (may contain line breaks inside a quoted value).
    case text(String)
    /// One space between words.
    case space
    /// End of a line. `hard` breaks are kept even when they would make a blank line.
    case newline(hard: Bool)
}

/// Lays tokens out: spaces only between words on a line, at most one blank line in a row,
/// none at the start or end, and exactly one line break at the end of the file.
struct Printer {
    let lineBreak: String

    func print(_ tokens: [LayoutToken]) -> String {
        var out = ""
        var lineHasText = false
        var pendingSpace = false
        var breaksInARow = 0      // line breaks since the last text
        for token in tokens {
            switch token {
            case .text(let s):
                if pendingSpace && lineHasText { out += " " }
                out += s
                lineHasText = true
                pendingSpace = false
                breaksInARow = 0
            case .space:
                pendingSpace = true
            case .newline(let hard):
                pendingSpace = false
                if out.isEmpty { continue }   // no blank lines at the start
                if !lineHasText && !hard { continue }
                if breaksInARow >= 2 { continue } // at most one blank line
                out += lineBreak
                breaksInARow += 1
                lineHasText = false
            }
        }
        // Exactly one line break at the end.
        while out.hasSuffix(lineBreak + lineBreak) { out.removeLast(lineBreak.count) }
        if !out.isEmpty && !out.hasSuffix(lineBreak) { out += lineBreak }
        return out
    }
}
