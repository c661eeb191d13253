/// A SHA-256 content digest, written `sha256:<hex>` in JSON and `sha256-<hex>` in blob file names.
package struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    package let hex: String

    /// Wraps raw digest bytes (32 of them).
    package init(bytes: [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var chars = [UInt8]()
        chars.reserveCapacity(bytes.count * 2)
        for b in bytes { chars.append(digits[Int(b >> 4)]); chars.append(digits[Int(b & 15)]) }
        hex = String(decoding: chars, as: UTF8.self)
    }

    /// Parses `sha256:<hex>` or `sha256-<hex>` (Ollama accepts both); nil for anything else.
    package init?(parsing text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 71, text.hasPrefix("sha256"), utf8[6] == UInt8(ascii: ":") || utf8[6] == UInt8(ascii: "-")
        else { return nil }
        let hexPart = utf8[7...]
        guard hexPart.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) })
        else { return nil }
        hex = String(decoding: hexPart, as: UTF8.self).lowercased()
    }

    /// The digest of some bytes held in memory.
    package static func of<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        Digest(bytes: SHA256.hash(bytes))
    }

    /// `sha256:<hex>`, the JSON form.
    package var description: String { "sha256:" + hex }
    /// `sha256-<hex>`, the blob file name.
    package var fileName: String { "sha256-" + hex }
    /// The first 12 hex digits, shown as a model ID by `list`.
    package var shortID: String { String(hex.prefix(12)) }

    package static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }
}
