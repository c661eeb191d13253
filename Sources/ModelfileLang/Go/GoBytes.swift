/// Go strings are byte strings; a Swift String is always valid UTF-8. A template can cut a string
/// inside a character (`slice "é" 0 1`), and Go keeps the half character as a raw byte that can
/// later join its other half again. To carry such bytes in a String, each byte that is not part
/// of valid UTF-8 is stored as one scalar of the last private-use plane, U+10FF80 + (byte - 0x80).
/// Only template values hold these markers: `bytes` turns them back into the raw byte wherever
/// Go would see bytes (output, `len`, `index`, `slice`, fmt), and JSON writes U+FFFD, as Go does.
enum GoBytes {
    /// A String holding `bytes`, invalid UTF-8 bytes as markers.
    static func string<C: Collection<UInt8>>(_ bytes: C) -> String {
        let b = Array(bytes)
        var i = 0
        var valid = true
        while i < b.count {
            let (r, w) = decodeUTF8Rune(b, at: i)
            if r == 0xFFFD && w == 1 { valid = false; break }
            i += w
        }
        if valid { return String(decoding: b, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 8)
        i = 0
        while i < b.count {
            let (r, w) = decodeUTF8Rune(b, at: i)
            if r == 0xFFFD && w == 1 {
                out += GoStrconv.utf8Bytes(0x10FF00 + UInt32(b[i]))
            } else {
                out += b[i..<(i + w)]
            }
            i += w
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `s` holds a marker (its UTF-8 has F4 8F BE or F4 8F BF).
    static func hasMarkers(_ s: String) -> Bool {
        var found = false
        var s = s
        s.withUTF8 { u in
            guard u.count >= 4 else { return }
            for i in 0..<(u.count - 3) where u[i] == 0xF4 && u[i + 1] == 0x8F && u[i + 2] & 0xFE == 0xBE {
                found = true
                return
            }
        }
        return found
    }

    /// The bytes Go would hold for `s`: markers become their raw byte.
    static func bytes(_ s: String) -> [UInt8] {
        let u = Array(s.utf8)
        guard hasMarkers(s) else { return u }
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if i + 3 < u.count, u[i] == 0xF4, u[i + 1] == 0x8F, u[i + 2] & 0xFE == 0xBE {
                out.append(0x80 | (u[i + 2] & 1) << 6 | (u[i + 3] & 0x3F))
                i += 4
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return out
    }

    /// Go's length of `s` in bytes.
    static func count(_ s: String) -> Int { hasMarkers(s) ? bytes(s).count : s.utf8.count }

    /// `s` after its bytes were joined with others: halves that meet become one character again.
    static func normalized(_ s: String) -> String { hasMarkers(s) ? string(bytes(s)) : s }

    /// Bytes as text the way Go's UTF-8 decoding reads them: each invalid byte is one U+FFFD
    /// (Swift's decoding would replace a whole broken sequence with one).
    static func decodingLikeGo(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let (r, w) = decodeUTF8Rune(b, at: i)
            if r == 0xFFFD && w == 1 { out += [0xEF, 0xBF, 0xBD] } else { out += b[i..<(i + w)] }
            i += w
        }
        return String(decoding: out, as: UTF8.self)
    }
}
