/// Go's `strconv` number and boolean syntax and `x/mod/semver`, which decide what Ollama accepts.
enum GoSyntax {
    /// `strconv.ParseInt(s, 10, 64)`: an optional sign, decimal digits, no underscores, in Int64 range.
    static func parseInt(_ s: String) -> Int64? {
        var u = Substring(s).utf8[...]
        var negative = false
        if let f = u.first, f == 0x2B || f == 0x2D { negative = f == 0x2D; u = u.dropFirst() }
        guard !u.isEmpty, u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var value: Int64 = 0
        for d in u {
            let digit = Int64(d - 0x30)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = a
        }
        return value
    }

    /// `strconv.ParseBool`.
    static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// `strconv.ParseFloat(s, 32)`: decimal or hexadecimal floats (`0x1p-2`), `inf`, `infinity`
    /// and `nan` in any case (a sign only before the infinities), underscores between digits
    /// (`1_000`; Go's `underscoreOK`). Overflowing float32 is an error (ErrRange); underflow is not.
    static func parseFloat32(_ s: String) -> Float? {
        var bytes = Array(s.utf8)
        if bytes.contains(0x5F) {
            guard GoStrconv.underscoreOK(bytes) else { return nil }
            bytes.removeAll { $0 == 0x5F }
        }
        var i = 0
        var sign: Float = 1
        if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { sign = bytes[i] == 0x2D ? -1 : 1; i += 1 }
        let rest = String(decoding: bytes[i...], as: UTF8.self).lowercased()
        if rest == "inf" || rest == "infinity" { return sign * .infinity }
        if rest == "nan" { return i == 0 ? .nan : nil }
        let body = Array(rest.utf8)
        let isHex = body.count > 2 && body[0] == 0x30 && body[1] == 0x78
        guard validFloatBody(body, hex: isHex) else { return nil }
        guard let v = Float(String(decoding: bytes, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    /// Digits with at most one dot, then an exponent (`e`, or `p` for hex, where it is required).
    static func validFloatBody(_ b: [UInt8], hex: Bool) -> Bool {
        var i = hex ? 2 : 0
        var digits = 0, sawDot = false
        func isDigit(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (hex && c >= 0x61 && c <= 0x66) }
        while i < b.count {
            let c = b[i]
            if isDigit(c) {
                digits += 1
            } else if c == 0x2E, !sawDot {
                sawDot = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return false }
        if i == b.count { return !hex }   // Go requires a 'p' exponent in hex floats
        let e = b[i]
        guard (hex && e == 0x70) || (!hex && e == 0x65) else { return false }
        i += 1
        if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        guard i < b.count else { return false }
        while i < b.count {
            guard b[i] >= 0x30 && b[i] <= 0x39 else { return false }
            i += 1
        }
        return true
    }

    /// `semver.IsValid` from `golang.org/x/mod`: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`, no leading zeros.
    static func isValidSemver(_ v: String) -> Bool {
        guard v.hasPrefix("v") else { return false }
        var rest = Substring(v.dropFirst())
        func number() -> Bool {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits == "0" || digits.first != "0" else { return false }
            rest = rest.dropFirst(digits.count)
            return true
        }
        for part in 0..<3 {
            if part > 0 {
                if rest.isEmpty { return true }   // v1 and v1.2 are valid shorthands
                guard rest.first == "." else { return false }
                rest.removeFirst()
            }
            guard number() else { return false }
        }
        if rest.first == "-" {
            rest.removeFirst()
            let pre = rest.prefix { $0 != "+" }
            rest = rest.dropFirst(pre.count)
            guard identifiers(pre, numericNoLeadingZero: true) else { return false }
        }
        if rest.first == "+" {
            rest.removeFirst()
            guard identifiers(rest, numericNoLeadingZero: false) else { return false }
            rest = ""
        }
        return rest.isEmpty
    }

    static func identifiers(_ s: Substring, numericNoLeadingZero: Bool) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        for p in parts {
            guard !p.isEmpty, p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
            if numericNoLeadingZero, p.allSatisfy(\.isNumber), p.count > 1, p.first == "0" { return false }
        }
        return true
    }
}
