// Byte-exact emulation of Go's `json.Encoder` (with its default HTML escaping), because
// Ollama's manifest, config and params digests are digests of those exact bytes.

import ModelfileLang

extension JSONValue {
    /// The compact encoding Go's `json.Encoder.Encode` writes, including its trailing newline.
    package var goEncoded: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        GoJSON.append(self, to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `goEncoded` as a String.
    package var goEncodedString: String { String(decoding: goEncoded, as: UTF8.self) }
}

enum GoJSON {
    static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .float32(let f): out += Array(formatFloat(Double(f), shortest: f.description, bits: 32).utf8)
        case .float64(let d): out += Array(formatFloat(d, shortest: d.description, bits: 64).utf8)
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Go's string encoder: short escapes for `"` `\` `\b` `\f` `\n` `\r` `\t`, `\u00xx` for other
    /// control bytes, and HTML-safe `\u003c` `\u003e` `\u0026`, plus `\u2028` `\u2029` (the template
    /// engine's encoder, with Go 1.22's short `\b` and `\f`).
    static func appendString(_ s: String, to out: inout [UInt8]) {
        s.appendGoJSONLiteral(to: &out, shortControlEscapes: true)
    }

    /// Go's float encoding: shortest digits for the given width, `%f` style unless the magnitude is
    /// below 1e-6 or at least 1e21, where `%e` is used with a two-digit-minimum exponent that the
    /// encoder then shortens for negative exponents (`1e-07` → `1e-7`).
    /// `shortest` is Swift's shortest round-trip text for the value, which has the same digits.
    static func formatFloat(_ value: Double, shortest: String, bits: Int) -> String {
        guard value.isFinite else { return "null" }   // Go refuses; never produced by a Modelfile
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (negative, digits, pointExponent) = decimalParts(shortest)
        let magnitude = abs(value)
        let small = bits == 32 ? Float(magnitude) < 1e-6 : magnitude < 1e-6
        let large = bits == 32 ? Float(magnitude) >= 1e21 : magnitude >= 1e21
        var text = negative ? "-" : ""
        if small || large {
            // d.ddde±XX with the exponent of the first digit.
            let exponent = pointExponent - 1
            text += String(digits.first ?? "0")
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let absExp = abs(exponent)
            text += "e" + (exponent < 0 ? "-" : "+") + (absExp < 10 && exponent >= 0 ? "0" : "") + String(absExp)
            return text
        }
        // Plain notation: value = 0.digits × 10^pointExponent.
        if pointExponent <= 0 {
            text += "0." + String(repeating: "0", count: -pointExponent) + digits
        } else if pointExponent >= digits.count {
            text += digits + String(repeating: "0", count: pointExponent - digits.count)
        } else {
            let split = digits.index(digits.startIndex, offsetBy: pointExponent)
            text += digits[..<split] + "." + digits[split...]
        }
        return text
    }

    /// Splits Swift's float text (`0.7`, `1e-07`, `1.5e+20`, `123.0`) into its sign, significant
    /// digits without leading/trailing zeros, and the decimal point position (value = 0.DIGITS × 10^exp).
    static func decimalParts(_ text: String) -> (negative: Bool, digits: String, exponent: Int) {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(s[s.index(after: e)...]) ?? 0
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts.first ?? "")
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return (negative, "0", 1) }
        return (negative, digits, point)
    }
}
