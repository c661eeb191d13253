/// Go's `strconv.Quote` family: how Go prints quoted strings and runes (error messages, `%q`).
enum GoQuote {
    /// `strconv.Quote` (or `QuoteToASCII` when `asciiOnly`).
    static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        quoteBytes(GoBytes.bytes(s), quote: UInt8(ascii: "\""), asciiOnly: asciiOnly)
    }

    static func quoteBytes(_ b: [UInt8], quote: UInt8, asciiOnly: Bool) -> String {
        var out = [quote]
        var i = 0
        while i < b.count {
            let (r, w) = decodeUTF8Rune(b, at: i)
            if w == 1 && r == 0xFFFD {
                out += Array("\\x".utf8) + hex2(b[i])
                i += 1
                continue
            }
            appendEscaped(r, quote: quote, asciiOnly: asciiOnly, into: &out)
            i += w
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }

    /// `strconv.QuoteRune` / `QuoteRuneToASCII`.
    static func quoteRune(_ r: Int64, asciiOnly: Bool) -> String {
        var rune = Int32(truncatingIfNeeded: r)
        if r < 0 || r > 0x10FFFF || (0xD800...0xDFFF).contains(r) { rune = 0xFFFD }
        var out = [UInt8(ascii: "'")]
        appendEscaped(rune, quote: UInt8(ascii: "'"), asciiOnly: asciiOnly, into: &out)
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `strconv.CanBackquote`.
    static func canBackquote(_ s: String) -> Bool {
        let b = GoBytes.bytes(s)
        var i = 0
        while i < b.count {
            let (r, w) = decodeUTF8Rune(b, at: i)
            if w == 1 && r == 0xFFFD { return false }
            if r == 0xFEFF || r == 0x60 { return false }
            if r < 0x20 && r != 0x09 || r == 0x7F { return false }
            i += w
        }
        return true
    }

    private static func hex2(_ c: UInt8) -> [UInt8] {
        let d = Array("0123456789abcdef".utf8)
        return [d[Int(c >> 4)], d[Int(c & 0xF)]]
    }

    private static func appendEscaped(_ r: Int32, quote: UInt8, asciiOnly: Bool, into out: inout [UInt8]) {
        if r == Int32(quote) || r == 0x5C {
            out.append(0x5C)
            out.append(UInt8(r))
            return
        }
        if asciiOnly {
            if r < 0x80 && isGoPrint(r) {
                out.append(UInt8(r))
                return
            }
        } else if isGoPrint(r), let s = Unicode.Scalar(UInt32(r)) {
            out += Array(String(Character(s)).utf8)
            return
        }
        switch r {
        case 0x07: out += Array("\\a".utf8)
        case 0x08: out += Array("\\b".utf8)
        case 0x0C: out += Array("\\f".utf8)
        case 0x0A: out += Array("\\n".utf8)
        case 0x0D: out += Array("\\r".utf8)
        case 0x09: out += Array("\\t".utf8)
        case 0x0B: out += Array("\\v".utf8)
        default:
            if r < 0x20 || r == 0x7F {
                out += Array("\\x".utf8) + hex2(UInt8(r))
            } else if r < 0x10000 {
                out += Array("\\u".utf8) + Array(hexPadded(UInt32(r), 4).utf8)
            } else {
                out += Array("\\U".utf8) + Array(hexPadded(UInt32(r), 8).utf8)
            }
        }
    }

    static func hexPadded(_ v: UInt32, _ n: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, n - h.count)) + h
    }
}
