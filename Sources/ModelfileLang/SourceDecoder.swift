/// Turns file bytes into valid UTF-8 the way Ollama's reader does.
///
/// Ollama wraps the file in `unicode.BOMOverride(unicode.UTF8.NewDecoder())`: a BOM picks the
/// encoding and is removed; without one the bytes are UTF-8, and each byte that does not start a
/// valid sequence becomes U+FFFD (Go's `utf8.DecodeRune` reports width 1 for every invalid byte).
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

    /// Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there is invalid
    /// (overlong forms, surrogates and values above U+10FFFF are invalid, as in Go).
    @inline(__always)
    static func validSequenceLength(_ d: [UInt8], at i: Int) -> Int {
        let b0 = d[i]
        if b0 < 0x80 { return 1 }
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < d.count && d[i + k] >= lo && d[i + k] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
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
                let n = validSequenceLength(data, at: i)
                if n == 0 { allValid = false; return }
                i += n
            }
        }
        if allValid { return Result(bytes: start == 0 ? data : Array(data[start...]), encoding: encoding, invalid: []) }
        var out = Array(data[start..<i])
        var invalid: [SourceRange] = []
        while i < data.count {
            let n = validSequenceLength(data, at: i)
            if n == 0 {
                // Adjacent invalid bytes form one range, so one diagnostic covers a run.
                if let last = invalid.last, last.end == out.count { invalid[invalid.count - 1].end += 3 }
                else { invalid.append(SourceRange(start: out.count, end: out.count + 3)) }
                out.append(contentsOf: replacement)
                i += 1
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
            if u >= 0xD800 && u < 0xDC00, i + 1 < data.count {
                let low = unit(i)
                if low >= 0xDC00 && low < 0xE000 {
                    i += 2
                    emit(0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(low - 0xDC00))
                    continue
                }
            }
            emit(UInt32(u))   // a lone surrogate is not a scalar: emit() replaces it
        }
        if i < data.count { emit(0xD800) }   // an odd trailing byte decodes to U+FFFD
        return Result(bytes: out, encoding: bigEndian ? .utf16BE : .utf16LE, invalid: invalid)
    }
}
