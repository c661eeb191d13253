/// How `ollama show --modelfile` prints values, to find the ones that do not survive it.
enum ShowFormat {
    /// Whether `KEYWORD quote(value)` parses back to `value`.
    static func roundTrips(_ value: String) -> Bool {
        reparse(value) == value
    }

    /// The value Ollama would read back from `SYSTEM <quote(value)>`, or nil if that is an error.
    static func reparse(_ value: String) -> String? {
        let line = SourceFile(path: "", text: "SYSTEM " + OllamaCommand.showQuote(value) + "\n")
        var lexer = Lexer(line)
        guard lexer.next().kind == .keyword else { return nil }
        let arg = lexer.next()
        guard arg.kind == .argument else { return nil }
        while true {
            let t = lexer.next()
            if t.kind == .endOfFile { return arg.text }
            if t.kind != .newline { return nil }
        }
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
