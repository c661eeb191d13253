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

    /// Go's `%v` of a float64: shortest digits, exponent form below 1e-4 or from 1e6 up.
    static func goFloat(_ v: Double) -> String {
        guard v != 0, v.isFinite else { return v == 0 ? "0" : "\(v)" }
        let exponent = Int((abs(v)).log10Floor)
        if exponent < -4 || exponent >= 6 {
            var mantissa = v / pow10(exponent)
            var e = exponent
            if abs(mantissa) >= 10 { mantissa /= 10; e += 1 }
            var m = "\(mantissa)"
            if m.hasSuffix(".0") { m.removeLast(2) }
            return m + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
        }
        var s = "\(v)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }
}

extension Double {
    /// floor(log10(|self|)) without Foundation, for exponent formatting.
    var log10Floor: Int {
        var x = abs(self), e = 0
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
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
