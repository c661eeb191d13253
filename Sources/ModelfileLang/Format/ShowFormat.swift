/// How `ollama show --modelfile` prints values, to find the ones that do not survive it.
enum ShowFormat {
    /// Whether `KEYWORD quote(value)` parses back to `value`; one pass, no allocation.
    ///
    /// `quote` leaves the value bare when it has no LF and no space at either end; bare text reads
    /// back unless it has a CR, starts with `"`, or has a tab at either end (trimmed away).
    /// Otherwise it is wrapped in `"..."` (no `"` inside, so no inner line can close it early) or
    /// `"""..."""`, which ends early at any line break where the text so far, right-trimmed,
    /// ends with `"""`. `reparse` is the slow oracle; a test compares the two.
    static func roundTrips(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable(roundTrips) ?? roundTrips(Array(value.utf8).span.bytes)
    }

    static func roundTrips(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        roundTrips(u.span.bytes)
    }

    static func roundTrips(_ u: RawSpan) -> Bool {
        let n = u.byteCount
        guard n > 0 else { return true }
        let quote: UInt8 = 0x22
        let first = u.unsafeLoad(fromByteOffset: 0, as: UInt8.self)
        let last = u.unsafeLoad(fromByteOffset: n - 1, as: UInt8.self)
        var hasLF = false, hasCR = false, hasQuote = false
        var early = false      // a line break where the text so far, right-trimmed, ends with """
        var run = 0            // quotes ending the text so far, before any trailing white space
        var trailingSpace = false
        for i in 0..<n {
            let b = u.unsafeLoad(fromByteOffset: i, as: UInt8.self)
            switch b {
            case 0x0A, 0x0D:
                if b == 0x0A { hasLF = true } else { hasCR = true }
                if run >= 3 { early = true }
                trailingSpace = true
            case 0x20, 0x09:
                trailingSpace = true
            case quote:
                hasQuote = true
                run = trailingSpace ? 1 : run + 1
                trailingSpace = false
            default:
                run = 0
                trailingSpace = false
            }
        }
        if !hasLF && first != 0x20 && last != 0x20 {
            return !hasCR && first != quote && first != 0x09 && last != 0x09
        }
        return !hasQuote || !early
    }

    /// The value Ollama would read back from `SYSTEM <quote(value)>`, or nil if that is an error.
    static func reparse(_ value: String) -> String? {
        Lexer.readValue(OllamaCommand.showQuote(value), allowDropped: true)
    }

    static func reparsedDescription(_ value: String) -> String {
        guard let back = reparse(value) else { return "a syntax error" }
        let shown = back.count > 40 ? String(back.prefix(40)) + "..." : back
        return "'" + shown.replacingNewlines() + "'"
    }

    /// Go's `%v` of a float64 (`1e+06`, `0.7`), as `ollama show` prints a parameter.
    static func goFloat(_ v: Double) -> String { GoFloat.format(v, UInt8(ascii: "g"), precision: -1) }
}

extension String {
    /// Line breaks shown as `\n` and `\r`, for one-line messages.
    func replacingNewlines() -> String {
        var out = ""
        for ch in unicodeScalars {
            switch ch {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
