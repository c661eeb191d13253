/// Go's `encoding/json` output, byte for byte (Go 1.22 and later, which Ollama is built with):
/// `json.Marshal` (compact, HTML-safe), `json.Encoder.Encode` (the same plus a newline),
/// `SetEscapeHTML(false)` and `MarshalIndent`. Ollama's manifest, config and params digests are
/// digests of these exact bytes, and templates print values through them.
extension JSONValue {
    /// `json.Marshal` (or `json.MarshalIndent` when `indent` is not empty) of this value.
    /// - Parameters:
    ///   - escapeHTML: write `<`, `>` and `&` as `\u003c` `\u003e` `\u0026`, as Go does unless an
    ///     encoder is told `SetEscapeHTML(false)` (HTTP APIs usually are).
    ///   - prefix: text at the start of every line but the first (with `indent`).
    ///   - indent: one level of indentation; empty means compact.
    /// - Returns: UTF-8 bytes without a trailing newline.
    public func goJSON(escapeHTML: Bool = true, prefix: String = "", indent: String = "") -> [UInt8] {
        goJSON(GoJSONWriter(escapeHTML: escapeHTML, prefix: Array(prefix.utf8), indent: Array(indent.utf8)))
    }

    func goJSON(_ w: GoJSONWriter) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(128)
        w.write(self, level: 0, into: &out)
        return out
    }

    /// What `json.NewEncoder(w).Encode(v)` writes: compact, HTML-safe, with a trailing newline.
    public var goEncoded: [UInt8] { goJSON() + [0x0A] }

    /// `goEncoded` as a String.
    public var goEncodedString: String { String(decoding: goEncoded, as: UTF8.self) }

    /// JSON for people and tools: no HTML escaping, `indent` spaces per level when given.
    public func rendered(indent: Int? = nil) -> String {
        String(decoding: goJSON(escapeHTML: false, indent: String(repeating: " ", count: indent ?? 0)), as: UTF8.self)
    }
}

/// The writer behind `JSONValue.goJSON`; its string and number writers are shared with the template engine.
struct GoJSONWriter {
    var escapeHTML: Bool
    var prefix: [UInt8] = []
    var indent: [UInt8] = []
    /// Write template byte markers (`GoBytes`) as `\ufffd`, as Go writes an invalid byte.
    var bytesMarkers = false

    func newline(_ level: Int, into out: inout [UInt8]) {
        guard !indent.isEmpty else { return }
        out.append(0x0A)
        out += prefix
        for _ in 0..<level { out += indent }
    }

    func write(_ v: JSONValue, level: Int, into out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .float64(let d): Self.appendFloat(d, bits: 64, into: &out)
        case .float32(let f): Self.appendFloat(Double(f), bits: 32, into: &out)
        case .string(let s): Self.appendString(s, escapeHTML: escapeHTML, bytesMarkers: bytesMarkers, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1, into: &out)
                write(item, level: level + 1, into: &out)
            }
            if !items.isEmpty { newline(level, into: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1, into: &out)
                Self.appendString(key, escapeHTML: escapeHTML, bytesMarkers: bytesMarkers, into: &out)
                out.append(UInt8(ascii: ":"))
                if !indent.isEmpty { out.append(0x20) }
                write(item, level: level + 1, into: &out)
            }
            if !members.isEmpty { newline(level, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Go's float encoder: the shortest digits for the width, `%f` layout unless the magnitude is
    /// below 1e-6 or at least 1e21, where `%e` is used and `e-07` is shortened to `e-7`.
    /// Go refuses NaN and infinities (an error); here they become `null`.
    static func appendFloat(_ d: Double, bits: Int, into out: inout [UInt8]) {
        guard d.isFinite else { out += Array("null".utf8); return }
        let a = abs(d)
        let tooSmall = bits == 32 ? Float(a) < 1e-6 : a < 1e-6
        let tooLarge = bits == 32 ? Float(a) >= 1e21 : a >= 1e21
        if a != 0 && (tooSmall || tooLarge) {
            var b = Array(GoFloat.format(d, UInt8(ascii: "e"), precision: -1, bits: bits).utf8)
            let n = b.count
            if n >= 4 && b[n - 4] == UInt8(ascii: "e") && b[n - 3] == UInt8(ascii: "-") && b[n - 2] == UInt8(ascii: "0") {
                b[n - 2] = b[n - 1]
                b.removeLast()
            }
            out += b
        } else {
            out += Array(GoFloat.format(d, UInt8(ascii: "f"), precision: -1, bits: bits).utf8)
        }
    }

    /// A Go JSON string literal: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, `\u00xx` for other control
    /// bytes, `\u2028` `\u2029` always, and `\u003c` `\u003e` `\u0026` when `escapeHTML`.
    /// (A Swift String is valid UTF-8, so Go's `\ufffd` for invalid bytes cannot arise.)
    static func appendString(_ s: String, escapeHTML: Bool, bytesMarkers: Bool = false, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString($0, escapeHTML: escapeHTML, bytesMarkers: bytesMarkers, into: &out) }
    }

    static func appendString(_ b: UnsafeBufferPointer<UInt8>, escapeHTML: Bool, bytesMarkers: Bool, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\""))
        var start = 0   // first byte not yet copied
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            var escape: [UInt8]? = nil
            switch c {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): escape = [UInt8(ascii: "\\"), c]
            case 0x0A: escape = [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: escape = [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: escape = [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: escape = [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: escape = [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20, UInt8(ascii: "<") where escapeHTML, UInt8(ascii: ">") where escapeHTML, UInt8(ascii: "&") where escapeHTML:
                escape = Array("\\u00".utf8) + [hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 0xF)]]
            case 0xE2 where i + 2 < n && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9):
                out += UnsafeBufferPointer(rebasing: b[start..<i])
                out += Array("\\u202".utf8) + [b[i + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")]
                i += 3
                start = i
                continue
            case 0xF4 where bytesMarkers && i + 3 < n && b[i + 1] == 0x8F && b[i + 2] & 0xFE == 0xBE:
                out += UnsafeBufferPointer(rebasing: b[start..<i])
                out += Array("\\ufffd".utf8)
                i += 4
                start = i
                continue
            default: break
            }
            if let escape {
                out += UnsafeBufferPointer(rebasing: b[start..<i])
                out += escape
                start = i + 1
            }
            i += 1
        }
        out += UnsafeBufferPointer(rebasing: b[start..<n])
        out.append(UInt8(ascii: "\""))
    }
}
