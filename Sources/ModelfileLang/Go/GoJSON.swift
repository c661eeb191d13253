import Foundation

/// Go's `encoding/json.Marshal` output for template values: compact, map keys sorted, HTML
/// characters escaped (`\u003c \u003e \u0026`), U+2028/U+2029 escaped, floats in Go's layout.
/// (Go 1.19 writes \b and \f as \u0008 and \u000c; the conformance corpus was made with it.)
public enum GoJSON {
    /// `json.Marshal(v)` as a string.
    public static func marshal(_ v: TemplateValue) -> String {
        var out: [UInt8] = []
        encode(v, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// What a value's `String()` method returns, for Ollama's types that print as JSON; nil otherwise.
    static func stringerText(_ v: TemplateValue) -> String? {
        switch v {
        case .list(let l) where l.typeName == "api.PropertyType":
            // PropertyType.String(): "" for none, the type for one, "[a b]" for several.
            if l.items.count <= 1 { return l.items.first?.stringValue ?? "" }
            return "[" + l.items.compactMap(\.stringValue).joined(separator: " ") + "]"
        case .list(let l) where l.printsAsJSON: return marshal(v)
        case .map(let m) where m.printsAsJSON: return m.isNil ? "{}" : marshal(v)
        case .record(let r) where r.printsAsJSON: return marshal(v)
        default: return nil
        }
    }

    static func encode(_ v: TemplateValue, into out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let n): out += Array(String(n).utf8)
        case .uint8(let b): out += Array(String(b).utf8)
        case .float(let d): out += Array(float(d).utf8)
        case .string(let s): encodeString(s, into: &out)
        case .list(let l):
            if l.isNil { out += Array("null".utf8); return }
            if l.typeName == "api.ImageData" {   // a []byte marshals as base64
                let bytes = l.items.map { v -> UInt8 in if case .uint8(let b) = v { return b }; return 0 }
                encodeString(Data(bytes).base64EncodedString(), into: &out)
                return
            }
            if l.typeName == "api.PropertyType", l.items.count == 1 {   // its MarshalJSON: one type is a plain string
                encode(l.items[l.items.startIndex], into: &out)
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, e) in l.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encode(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let m):
            if m.isNil { out += Array("null".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, k) in m.sortedKeys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encodeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                encode(m.entries[k] ?? .null, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .record(let r):
            out.append(UInt8(ascii: "{"))
            var first = true
            for f in r.fields {
                if f.omitEmpty && isEmpty(f.value) { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                encodeString(f.jsonName ?? f.name, into: &out)
                out.append(UInt8(ascii: ":"))
                encode(f.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// encoding/json's `isEmptyValue` for `omitempty`.
    static func isEmpty(_ v: TemplateValue) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let n): return n == 0
        case .uint8(let b): return b == 0
        case .float(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .list(let l): return l.items.isEmpty
        case .map(let m): return m.entries.isEmpty
        case .record: return false
        }
    }

    /// Go's float layout: %f-like shortest digits, exponent form below 1e-6 or from 1e21 on (`1e-7`, `1e+21`).
    static func float(_ d: Double) -> String {
        guard d.isFinite else { return "null" }   // Go fails to marshal; Ollama's json ignores the error
        let a = abs(d)
        if a != 0 && (a < 1e-6 || a >= 1e21) {
            var s = GoFloat.format(d, UInt8(ascii: "e"), precision: -1)
            let b = Array(s.utf8)
            let n = b.count
            if n >= 4 && b[n - 4] == UInt8(ascii: "e") && b[n - 3] == UInt8(ascii: "-") && b[n - 2] == UInt8(ascii: "0") {
                s = String(decoding: b[..<(n - 2)] + [b[n - 1]], as: UTF8.self)
            }
            return s
        }
        return GoFloat.format(d, UInt8(ascii: "f"), precision: -1)
    }

    /// A Go JSON string literal with HTML escaping, as `json.Marshal` and `json.Encoder` write it.
    /// `shortControlEscapes` selects Go 1.22+'s `\b` and `\f` (the builder's Ollama digests) over
    /// Go 1.19's `\u0008` and `\u000c` (the template corpus).
    package static func encodeString(_ s: String, into out: inout [UInt8], shortControlEscapes: Bool = false) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                switch c {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), c]
                case 0x0A: out += Array("\\n".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x08 where shortControlEscapes: out += Array("\\b".utf8)
                case 0x0C where shortControlEscapes: out += Array("\\f".utf8)
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20:
                    out += Array("\\u00".utf8) + [hex[Int(c >> 4)], hex[Int(c & 0xF)]]
                default: out.append(c)
                }
                i += 1
                continue
            }
            let (r, w) = decodeUTF8Rune(b, at: i)
            if r == 0xFFFD && w == 1 {
                out += Array("\\ufffd".utf8)
            } else if r == 0x2028 || r == 0x2029 {
                out += Array("\\u202".utf8) + [hex[Int(r & 0xF)]]
            } else {
                out += b[i..<(i + w)]
            }
            i += w
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension String {
    /// This string as a Go JSON literal appended to `out` (`GoJSON.encodeString`), for modules whose own
    /// `GoJSON` shadows the template engine's.
    package func appendGoJSONLiteral(to out: inout [UInt8], shortControlEscapes: Bool) {
        GoJSON.encodeString(self, into: &out, shortControlEscapes: shortControlEscapes)
    }
}
