/// Go's `html`, `js` and `urlquery` escapers, byte for byte (over Go's bytes: see `GoBytes`).
enum Escapers {
    /// `template.HTMLEscapeString`.
    static func html(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for c in GoBytes.bytes(s) {
            switch c {
            case 0: out += Array("\u{FFFD}".utf8)
            case UInt8(ascii: "\""): out += Array("&#34;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            default: out.append(c)
            }
        }
        return GoBytes.string(out)
    }

    /// `template.JSEscapeString`.
    static func js(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let b = GoBytes.bytes(s)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                switch c {
                case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
                case UInt8(ascii: "'"): out += Array("\\'".utf8)
                case UInt8(ascii: "\""): out += Array("\\\"".utf8)
                case UInt8(ascii: "<"): out += Array("\\u003C".utf8)
                case UInt8(ascii: ">"): out += Array("\\u003E".utf8)
                case UInt8(ascii: "&"): out += Array("\\u0026".utf8)
                case UInt8(ascii: "="): out += Array("\\u003D".utf8)
                case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(c >> 4)], hex[Int(c & 0xF)]]
                default: out.append(c)
                }
                i += 1
                continue
            }
            let (r, w) = decodeUTF8Rune(b, at: i)
            if isGoPrint(r) {   // an invalid byte decodes to U+FFFD, which is printable: Go copies the byte
                out += b[i..<(i + w)]
            } else {
                let h = String(UInt32(r), radix: 16, uppercase: true)
                out += Array(("\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h).utf8)
            }
            i += w
        }
        return GoBytes.string(out)
    }

    /// `url.QueryEscape`: unreserved bytes stay, space becomes '+', the rest %XX.
    static func urlQuery(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in GoBytes.bytes(s) {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(c)
            case UInt8(ascii: " "): out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0xF)]]
            }
        }
        return GoBytes.string(out)
    }
}
