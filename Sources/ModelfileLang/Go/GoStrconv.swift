/// The parts of Go's `strconv` the template language depends on: unquoting string and
/// character literals, and reading numeric constants with Go's base prefixes and underscores.
enum GoStrconv {
    enum NumberResult { case number(TemplateNumber), invalid(String) }

    /// `strconv.Unquote` for "..." and `...` literals; nil on invalid syntax.
    static func unquote(_ s: String) -> String? {
        let b = Array(s.utf8)
        guard b.count >= 2, let q = b.first, q == b.last else { return nil }
        let body = Array(b[1..<(b.count - 1)])
        if q == UInt8(ascii: "`") {
            if body.contains(UInt8(ascii: "`")) { return nil }
            return String(decoding: body.filter { $0 != 0x0D }, as: UTF8.self)
        }
        guard q == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let c = body[i]
            if c == q || c == 0x0A { return nil }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            guard let (bytes, next) = unquoteEscape(body, at: i, quote: q) else { return nil }
            out.append(contentsOf: bytes)
            i = next
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes one backslash escape at `i`; returns the bytes it stands for and the next index.
    static func unquoteEscape(_ b: [UInt8], at i: Int, quote: UInt8) -> ([UInt8], Int)? {
        guard i + 1 < b.count else { return nil }
        let c = b[i + 1]
        switch c {
        case UInt8(ascii: "a"): return ([0x07], i + 2)
        case UInt8(ascii: "b"): return ([0x08], i + 2)
        case UInt8(ascii: "f"): return ([0x0C], i + 2)
        case UInt8(ascii: "n"): return ([0x0A], i + 2)
        case UInt8(ascii: "r"): return ([0x0D], i + 2)
        case UInt8(ascii: "t"): return ([0x09], i + 2)
        case UInt8(ascii: "v"): return ([0x0B], i + 2)
        case UInt8(ascii: "\\"): return ([0x5C], i + 2)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return c == quote ? ([c], i + 2) : nil
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = c == UInt8(ascii: "x") ? 2 : (c == UInt8(ascii: "u") ? 4 : 8)
            guard i + 2 + n <= b.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<n {
                guard let d = hexDigitValue(b[i + 2 + k]) else { return nil }
                v = v << 4 | UInt32(d)
            }
            if c == UInt8(ascii: "x") {
                if quote == UInt8(ascii: "'") { return (utf8Bytes(v), i + 4) }   // a char constant holds the rune
                return ([UInt8(v)], i + 4)
            }
            guard v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else { return nil }
            return (utf8Bytes(v), i + 2 + n)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard i + 4 <= b.count else { return nil }
            var v: UInt32 = 0
            for k in 1...3 {
                let d = b[i + k]
                guard (0x30...0x37).contains(d) else { return nil }
                v = v * 8 + UInt32(d - 0x30)
            }
            guard v <= 255 else { return nil }
            if quote == UInt8(ascii: "'") { return (utf8Bytes(v), i + 4) }
            return ([UInt8(v)], i + 4)
        default:
            return nil
        }
    }

    static func utf8Bytes(_ v: UInt32) -> [UInt8] {
        guard let s = Unicode.Scalar(v) else { return Array("\u{FFFD}".utf8) }
        return Array(String(Character(s)).utf8)
    }

    /// Go's `parse.newNumber`: a constant may be int, uint and float at once.
    static func number(_ text: String, isChar: Bool, isComplex: Bool) -> NumberResult {
        var n = TemplateNumber(pos: 0, text: text)
        if isChar {
            let b = Array(text.utf8)
            guard b.count >= 3 else { return .invalid("invalid syntax") }
            let rune: UInt32
            var next: Int
            if b[1] == UInt8(ascii: "\\") {
                guard let (bytes, nx) = unquoteEscape(b, at: 1, quote: UInt8(ascii: "'")) else { return .invalid("invalid syntax") }
                let (r, _) = decodeUTF8Rune(bytes, at: 0)
                rune = UInt32(r)
                next = nx
            } else {
                if b[1] == UInt8(ascii: "'") { return .invalid("invalid syntax") }
                let (r, w) = decodeUTF8Rune(b, at: 1)
                rune = UInt32(r)
                next = 1 + w
            }
            if next != b.count - 1 { return .invalid("malformed character constant: \(text)") }
            n.isInt = true; n.isUint = true; n.isFloat = true
            n.int64 = Int64(rune); n.uint64 = UInt64(rune); n.float64 = Double(rune)
            return .number(n)
        }
        if isComplex {
            guard let (re, im) = scanComplex(text) else { return .invalid("syntax error scanning complex number") }
            n.isComplex = true
            n.simplifyComplex(re, im)
            return .number(n)
        }
        if text.hasSuffix("i"), let im = parseFloat(String(text.dropLast())) {
            n.isComplex = true   // an imaginary constant is complex, even 0i
            n.simplifyComplex(0, im)
            return .number(n)
        }
        let u = parseUint(text)
        if let u {
            n.isUint = true
            n.uint64 = u
        }
        if let i = parseInt(text) {
            n.isInt = true
            n.int64 = i
            if i == 0 {
                n.isUint = true
                n.uint64 = u ?? 0
            }
        }
        if n.isInt {
            n.isFloat = true
            n.float64 = Double(n.int64)
        } else if n.isUint {
            n.isFloat = true
            n.float64 = Double(n.uint64)
        } else if let f = parseFloat(text) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                return .invalid("integer overflow: \(GoQuote.quote(text))")
            }
            n.isFloat = true
            n.float64 = f
            if f.rounded(.towardZero) == f, f >= -9.223372036854775808e18, f < 9.223372036854775808e18 {
                n.isInt = true
                n.int64 = Int64(f)
            }
            if f.rounded(.towardZero) == f, f >= 0, f < 1.8446744073709551616e19 {
                n.isUint = true
                n.uint64 = UInt64(f)
            }
        }
        if !n.isInt && !n.isUint && !n.isFloat { return .invalid("illegal number syntax: \(GoQuote.quote(text))") }
        return .number(n)
    }

    /// `fmt.Sscan` into a complex128, for the lexer's `1+2i` form: a float, a sign, a float, `i`.
    static func scanComplex(_ text: String) -> (Double, Double)? {
        let b = Array(text.utf8)
        // The sign between the parts is the first + or - that does not start the text or follow an exponent letter.
        var split: Int?
        for i in 1..<max(b.count, 1) where b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let prev = b[i - 1] | 0x20
            let hex = b.count > 2 && b[b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") ? 2 : 1] | 0x20 == UInt8(ascii: "x")
            if prev == UInt8(ascii: "e") && !hex || prev == UInt8(ascii: "p") { continue }
            split = i
            break
        }
        guard let s = split, b.last == UInt8(ascii: "i") else { return nil }
        guard let re = parseFloat(String(decoding: b[..<s], as: UTF8.self)),
              let im = parseFloat(String(decoding: b[s..<(b.count - 1)], as: UTF8.self)) else { return nil }
        return (re, im)
    }

    /// Go's `underscoreOK`: underscores only between digits (a base prefix counts as a digit).
    static func underscoreOK(_ s: [UInt8]) -> Bool {
        var b = s[...]
        if let f = b.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { b = b.dropFirst() }
        var saw: UInt8 = UInt8(ascii: "^")
        var hex = false
        var i = b.startIndex
        if b.count >= 2, b[i] == UInt8(ascii: "0"), [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(b[i + 1] | 0x20) {
            hex = b[i + 1] | 0x20 == UInt8(ascii: "x")
            saw = UInt8(ascii: "0")
            i += 2
        }
        while i < b.endIndex {
            let c = b[i]
            i += 1
            if (0x30...0x39).contains(c) || hex && (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c | 0x20) {
                saw = UInt8(ascii: "0")
                continue
            }
            if c == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = c
                continue
            }
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        return saw != UInt8(ascii: "_")
    }

    /// Splits sign, base and digits as `strconv.ParseInt(s, 0, 64)` does.
    private static func integerDigits(_ s: String) -> (negative: Bool, base: UInt64, digits: [UInt8])? {
        let all = Array(s.utf8)
        var b = all[...]
        var negative = false
        if let f = b.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            b = b.dropFirst()
        }
        guard !b.isEmpty else { return nil }
        var base: UInt64 = 10
        if b.first == UInt8(ascii: "0") {
            let second = b.count >= 3 ? b[b.startIndex + 1] | 0x20 : 0
            switch second {
            case UInt8(ascii: "x"): base = 16; b = b.dropFirst(2)
            case UInt8(ascii: "o"): base = 8; b = b.dropFirst(2)
            case UInt8(ascii: "b"): base = 2; b = b.dropFirst(2)
            default: base = 8; b = b.dropFirst(1)
            }
        }
        if b.contains(UInt8(ascii: "_")) && !underscoreOK(all) { return nil }
        return (negative, base, b.filter { $0 != UInt8(ascii: "_") })
    }

    private static func magnitude(_ digits: [UInt8], base: UInt64) -> UInt64? {
        var v: UInt64 = 0
        for c in digits {
            guard let d = hexDigitValue(c), UInt64(d) < base else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: base)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = a
        }
        return v
    }

    static func parseUint(_ s: String) -> UInt64? {
        guard let f = s.utf8.first, f != UInt8(ascii: "+"), f != UInt8(ascii: "-") else { return nil }
        guard let (_, base, digits) = integerDigits(s) else { return nil }
        return magnitude(digits, base: base)
    }

    static func parseInt(_ s: String) -> Int64? {
        guard let (negative, base, digits) = integerDigits(s), let m = magnitude(digits, base: base) else { return nil }
        if negative {
            if m == UInt64(Int64.max) + 1 { return Int64.min }
            guard m <= UInt64(Int64.max) else { return nil }
            return -Int64(m)
        }
        guard m <= UInt64(Int64.max) else { return nil }
        return Int64(m)
    }

    /// `strconv.ParseFloat(s, 64)` for the forms the lexer can produce (decimal, hex with 'p',
    /// underscores between digits); nil on syntax errors and on overflow to infinity.
    static func parseFloat(_ s: String) -> Double? {
        var b = Array(s.utf8)
        var negative = false
        if let f = b.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            b.removeFirst()
        }
        guard !b.isEmpty else { return nil }
        let hex = b.count > 1 && b[0] == UInt8(ascii: "0") && b[1] | 0x20 == UInt8(ascii: "x")
        if b.contains(UInt8(ascii: "_")) {
            guard underscoreOK(b) else { return nil }
            b = b.filter { $0 != UInt8(ascii: "_") }
        }
        let value: Double?
        if hex {
            value = parseHexFloat(Array(b.dropFirst(2)))
        } else {
            for c in b where !((0x30...0x39).contains(c) || c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e")
                                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) { return nil }
            let text = String(decoding: b, as: UTF8.self)
            if text.hasPrefix(".") && text.count == 1 { return nil }
            value = Double(text)
        }
        guard let v = value, v.isFinite else { return nil }
        return negative ? -v : v
    }

    private static func parseHexFloat(_ b: [UInt8]) -> Double? {
        var mantissa: Double = 0
        var exp = 0
        var i = 0
        var sawDigit = false, sawDot = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                if sawDot { return nil }
                sawDot = true
            } else if let d = hexDigitValue(c) {
                mantissa = mantissa * 16 + Double(d)
                if sawDot { exp -= 4 }
                sawDigit = true
            } else { break }
            i += 1
        }
        guard sawDigit, i < b.count, b[i] | 0x20 == UInt8(ascii: "p") else { return nil }
        i += 1
        var sign = 1
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
        }
        guard i < b.count else { return nil }
        var e = 0
        while i < b.count {
            guard (0x30...0x39).contains(b[i]) else { return nil }
            e = min(e * 10 + Int(b[i] - 0x30), 100_000)
            i += 1
        }
        return mantissa * pow2(exp + sign * e)
    }

    private static func pow2(_ e: Int) -> Double {
        Double(sign: .plus, exponent: max(min(e, 2000), -2000), significand: 1)
    }
}
