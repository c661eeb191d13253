/// GPT-2's reversible map from bytes to printable code points, used by byte-level BPE vocabularies.
///
/// Printable Latin-1 bytes map to themselves; the other 68 bytes (controls, space, U+007F–U+00A0,
/// soft hyphen) map in order to U+0100 and up. So a space is stored as "Ġ" (U+0120).
enum ByteLevelEncoding {
    /// UTF-8 of the code point that stands for each byte.
    static let encoded: [[UInt8]] = {
        var table = [[UInt8]](repeating: [], count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            let value: UInt32
            if printable { value = UInt32(byte) } else { value = next; next += 1 }
            table[byte] = Array(String(Character(Unicode.Scalar(value)!)).utf8)
        }
        return table
    }()

    /// The byte each stand-in code point represents.
    static let decoded: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for byte in 0..<256 {
            if let scalar = String(decoding: encoded[byte], as: UTF8.self).unicodeScalars.first {
                map[scalar.value] = UInt8(byte)
            }
        }
        return map
    }()

    /// Replaces every byte by its stand-in's UTF-8.
    static func encode<S: Sequence<UInt8>>(_ bytes: S) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes { out += encoded[Int(b)] }
        return out
    }

    /// Maps stand-in code points back to bytes; a code point outside the map is kept as its UTF-8.
    static func decode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if let byte = decoded[scalar.value] { out.append(byte) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }
}
