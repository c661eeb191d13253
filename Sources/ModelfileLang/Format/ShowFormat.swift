#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `ollama show --modelfile` prints values, to find the ones that do not survive it.
enum ShowFormat {
    /// Whether `KEYWORD quote(value)` parses back to `value`, without allocating.
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
        u.withUnsafeBytes(roundTrips)
    }

    /// Searches with `memchr`, which runs far ahead of a byte loop, and looks closer only at quotes.
    static func roundTrips(_ u: UnsafeRawBufferPointer) -> Bool {
        guard let base = u.baseAddress, !u.isEmpty else { return true }
        let n = u.count, quote: UInt8 = 0x22
        func find(_ b: UInt8, from i: Int) -> Int? {
            guard i < n, let p = memchr(base + i, Int32(b), n - i) else { return nil }
            return UnsafeRawPointer(p) - base
        }
        let first = u[0], last = u[n - 1]
        if find(0x0A, from: 0) == nil && first != 0x20 && last != 0x20 {
            return find(0x0D, from: 0) == nil && first != quote && first != 0x09 && last != 0x09
        }
        // Wrapped in `"""`: it ends early where three or more quotes are followed, after blanks
        // only, by a line break.
        var i = 0
        while let q = find(quote, from: i) {
            var j = q
            while j < n, u[j] == quote { j += 1 }
            if j - q >= 3 {
                var k = j
                while k < n, u[k] == 0x20 || u[k] == 0x09 { k += 1 }
                if k < n, u[k] == 0x0A || u[k] == 0x0D { return false }
            }
            i = j
        }
        return true
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
