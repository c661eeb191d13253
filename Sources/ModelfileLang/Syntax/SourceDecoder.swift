/// Turns file bytes into valid UTF-8 the way Ollama's reader does.
///
/// Ollama wraps the file in `unicode.BOMOverride(unicode.UTF8.NewDecoder())`: a BOM picks the
/// encoding and is removed; without one the bytes are UTF-8, and golang.org/x/text replaces each
/// *maximal subpart* of an ill-formed sequence with one U+FFFD (a truncated `E2 82` is one
/// replacement; a stray continuation byte is one each).
enum SourceDecoder {
    struct Result {
        var bytes: [UInt8]
        var encoding: SourceEncoding
        var invalid: [SourceRange]
    }

    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func decode(_ data: [UInt8]) -> Result {
        if data.count >= 3, data[0] == 0xEF, data[1] == 0xBB, data[2] == 0xBF {
            return decodeUTF8(data, from: 3, encoding: .utf8BOM)
        }
        if data.count >= 2, data[0] == 0xFF, data[1] == 0xFE { return decodeUTF16(data, bigEndian: false) }
        if data.count >= 2, data[0] == 0xFE, data[1] == 0xFF { return decodeUTF16(data, bigEndian: true) }
        return decodeUTF8(data, from: 0, encoding: .utf8)
    }

    /// The length of the sequence starting at `i` and whether it is valid UTF-8. An invalid one's
    /// length is its maximal subpart: the lead byte and the continuation bytes that could still
    /// have been part of a valid sequence (overlong forms, surrogates and values above U+10FFFF
    /// are invalid, as in Go).
    @inline(__always)
    static func sequence(_ d: [UInt8], at i: Int) -> (length: Int, valid: Bool) {
        let b0 = d[i]
        if b0 < 0x80 { return (1, true) }
        let size: Int, lo: UInt8, hi: UInt8
        switch b0 {
        case 0xC2...0xDF: (size, lo, hi) = (2, 0x80, 0xBF)
        case 0xE0: (size, lo, hi) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (size, lo, hi) = (3, 0x80, 0xBF)
        case 0xED: (size, lo, hi) = (3, 0x80, 0x9F)
        case 0xF0: (size, lo, hi) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (size, lo, hi) = (4, 0x80, 0xBF)
        case 0xF4: (size, lo, hi) = (4, 0x80, 0x8F)
        default: return (1, false)
        }
        guard i + 1 < d.count, d[i + 1] >= lo, d[i + 1] <= hi else { return (1, false) }
        for k in 2..<size {
            guard i + k < d.count, d[i + k] & 0xC0 == 0x80 else { return (k, false) }
        }
        return (size, true)
    }

    static func decodeUTF8(_ data: [UInt8], from start: Int, encoding: SourceEncoding) -> Result {
        var i = start
        // Fast path: most files are valid (and mostly ASCII, checked 8 bytes at a time).
        var allValid = true
        data.withUnsafeBytes { raw in
            while i < data.count {
                if i + 8 <= data.count, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let (n, valid) = sequence(data, at: i)
                if !valid { allValid = false; return }
                i += n
            }
        }
        if allValid { return Result(bytes: start == 0 ? data : Array(data[start...]), encoding: encoding, invalid: []) }
        var out = Array(data[start..<i])
        var invalid: [SourceRange] = []
        while i < data.count {
            let (n, valid) = sequence(data, at: i)
            if !valid {
                // Adjacent invalid bytes form one range, so one diagnostic covers a run.
                if let last = invalid.last, last.end == out.count { invalid[invalid.count - 1].end += 3 }
                else { invalid.append(SourceRange(start: out.count, end: out.count + 3)) }
                out.append(contentsOf: replacement)
                i += n
            } else {
                out.append(contentsOf: data[i..<(i + n)])
                i += n
            }
        }
        return Result(bytes: out, encoding: encoding, invalid: invalid)
    }

    static func decodeUTF16(_ data: [UInt8], bigEndian: Bool) -> Result {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var invalid: [SourceRange] = []
        func unit(_ i: Int) -> UInt16 {
            bigEndian ? UInt16(data[i]) << 8 | UInt16(data[i + 1]) : UInt16(data[i + 1]) << 8 | UInt16(data[i])
        }
        func emit(_ scalar: UInt32) {
            if let s = Unicode.Scalar(scalar) {
                UTF8.encode(s) { out.append($0) }
            } else {
                invalid.append(SourceRange(start: out.count, end: out.count + 3))
                out.append(contentsOf: replacement)
            }
        }
        var i = 2
        while i + 1 < data.count {
            let u = unit(i)
            i += 2
            // x/text pairs any surrogate with a following low surrogate: a high one makes a scalar,
            // a low one makes one U+FFFD for both units.
            if u >= 0xD800 && u < 0xE000, i + 1 < data.count {
                let low = unit(i)
                if low >= 0xDC00 && low < 0xE000 {
                    i += 2
                    emit(u < 0xDC00 ? 0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(low - 0xDC00) : 0xD800)
                    continue
                }
            }
            emit(UInt32(u))   // a lone surrogate is not a scalar: emit() replaces it
        }
        if i < data.count { emit(0xD800) }   // an odd trailing byte decodes to U+FFFD
        return Result(bytes: out, encoding: bigEndian ? .utf16BE : .utf16LE, invalid: invalid)
    }
}
