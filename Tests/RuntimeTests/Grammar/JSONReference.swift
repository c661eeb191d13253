/// An independent reading of the JSON language `format: "json"` allows (docs/structured-output.md),
/// written as a recursive-descent parser, to judge the grammar matcher: text is `complete` (one
/// object and nothing after it), a `prefix` (running out of input is the only problem) or `invalid`.
struct JSONReference {
    enum Verdict: Equatable { case complete, prefix, invalid }
    private enum Stop: Error { case endOfInput, invalid }

    private let b: [UInt8]
    private var pos = 0

    static func judge(_ text: [UInt8]) -> Verdict {
        var p = JSONReference(b: text)
        do {
            try p.object()
            return p.pos == text.count ? .complete : .invalid
        } catch .endOfInput {
            return .prefix
        } catch {
            return .invalid
        }
    }

    private init(b: [UInt8]) { self.b = b }

    private func peek() throws(Stop) -> UInt8 {
        guard pos < b.count else { throw .endOfInput }
        return b[pos]
    }

    private mutating func expect(_ c: Character) throws(Stop) {
        guard try peek() == c.asciiValue! else { throw .invalid }
        pos += 1
    }

    /// "" | " " | "\n"{1,2} [ \t]{0,20}
    private mutating func space() {
        guard pos < b.count else { return }
        if b[pos] == 0x20 { pos += 1; return }
        guard b[pos] == 0x0A else { return }
        pos += 1
        if pos < b.count && b[pos] == 0x0A { pos += 1 }
        var blanks = 0
        while pos < b.count && blanks < 20 && (b[pos] == 0x20 || b[pos] == 0x09) { pos += 1; blanks += 1 }
    }

    private mutating func value() throws(Stop) {
        switch try peek() {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): for c in "true" { try expect(c) }
        case UInt8(ascii: "f"): for c in "false" { try expect(c) }
        case UInt8(ascii: "n"): for c in "null" { try expect(c) }
        default: try number()
        }
    }

    private mutating func object() throws(Stop) {
        try expect("{")
        space()
        if try peek() == UInt8(ascii: "}") { pos += 1; return }
        while true {
            try string()
            try expect(":")
            space()
            try value()
            if try peek() == UInt8(ascii: ",") { pos += 1; space(); continue }
            space()
            try expect("}")
            return
        }
    }

    private mutating func array() throws(Stop) {
        try expect("[")
        space()
        if try peek() == UInt8(ascii: "]") { pos += 1; return }
        while true {
            try value()
            if try peek() == UInt8(ascii: ",") { pos += 1; space(); continue }
            space()
            try expect("]")
            return
        }
    }

    private func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }

    /// Up to `max` digits, at least one.
    private mutating func digits(max: Int) throws(Stop) {
        guard isDigit(try peek()) else { throw .invalid }
        var n = 0
        while pos < b.count && n < max && isDigit(b[pos]) { pos += 1; n += 1 }
    }

    private mutating func number() throws(Stop) {
        if try peek() == UInt8(ascii: "-") { pos += 1 }
        let first = try peek()
        if first == UInt8(ascii: "0") { pos += 1 } else if (0x31...0x39).contains(first) { try digits(max: 16) } else { throw .invalid }
        if try peek() == UInt8(ascii: ".") { pos += 1; try digits(max: 16) }
        let e = try peek()
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            pos += 1
            if try peek() == UInt8(ascii: "+") || b[pos] == UInt8(ascii: "-") { pos += 1 }
            try digits(max: 16)
        }
    }

    private mutating func string() throws(Stop) {
        try expect("\"")
        while true {
            let c = try peek()
            switch c {
            case UInt8(ascii: "\""): pos += 1; return
            case UInt8(ascii: "\\"):
                pos += 1
                let e = try peek()
                pos += 1
                if e == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        guard (try peek()).isHexDigit else { throw .invalid }
                        pos += 1
                    }
                } else if !Array("\"\\/bfnrt".utf8).contains(e) {
                    throw .invalid
                }
            case 0..<0x20, 0x7F: throw .invalid
            case 0x20..<0x80: pos += 1
            default: try utf8Character()
            }
        }
    }

    /// A multi-byte character, judged by Swift's UTF-8 validation (a partial one by its best completion).
    private mutating func utf8Character() throws(Stop) {
        let lead = b[pos]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        let available = Array(b[pos..<min(b.count, pos + length)])
        if available.count == length {
            guard String(validating: available, as: UTF8.self) != nil else { throw .invalid }
            pos += length
            return
        }
        let completable = (0x80...0xBF).contains { (second: UInt8) in
            var candidate = available
            if candidate.count == 1 { candidate.append(second) }
            while candidate.count < length { candidate.append(0x80) }
            return String(validating: candidate, as: UTF8.self) != nil
        }
        throw completable ? .endOfInput : .invalid
    }
}

private extension UInt8 {
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}

/// Random text in the language above, for fuzzing: objects, arrays, strings with escapes and
/// multi-byte characters, numbers at their digit bounds, and every kind of whitespace run.
struct RandomJSON<R: RandomNumberGenerator> {
    var rng: R

    mutating func space() -> String {
        switch Int.random(in: 0...3, using: &rng) {
        case 0: return ""
        case 1: return " "
        default:
            let newlines = String(repeating: "\n", count: Int.random(in: 1...2, using: &rng))
            return newlines + String((0..<Int.random(in: 0...20, using: &rng)).map { _ in Bool.random(using: &rng) ? " " : "\t" })
        }
    }

    mutating func digits(_ range: ClosedRange<Int>) -> String {
        String((0..<Int.random(in: range, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
    }

    mutating func number() -> String {
        var s = Bool.random(using: &rng) ? "-" : ""
        s += Bool.random(using: &rng) ? "0" : String("123456789".randomElement(using: &rng)!) + digits(0...15)
        if Bool.random(using: &rng) { s += "." + digits(1...16) }
        if Bool.random(using: &rng) { s += ["e", "E", "e+", "E-"].randomElement(using: &rng)! + digits(1...16) }
        return s
    }

    mutating func string() -> String {
        let pieces = ["a", "Z", " ", "é", "中", "🎉", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uD83C", "~", "{", "}", ":", ","]
        return "\"" + (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() + "\""
    }

    mutating func value(depth: Int) -> String {
        switch Int.random(in: depth > 3 ? 2...6 : 0...6, using: &rng) {
        case 0: return object(depth: depth + 1)
        case 1: return array(depth: depth + 1)
        case 2: return string()
        case 3: return number()
        case 4: return "true"
        case 5: return "false"
        default: return "null"
        }
    }

    mutating func object(depth: Int = 0) -> String {
        let n = Int.random(in: 0...4, using: &rng)
        if n == 0 { return "{" + space() + "}" }
        var items: [String] = []
        for _ in 0..<n { items.append(string() + ":" + space() + value(depth: depth)) }
        var s = "{" + space() + items[0]
        for item in items.dropFirst() { s += "," + space() + item }
        return s + space() + "}"
    }

    mutating func array(depth: Int) -> String {
        let n = Int.random(in: 0...4, using: &rng)
        if n == 0 { return "[" + space() + "]" }
        var s = "[" + space() + value(depth: depth)
        for _ in 1..<n { s += "," + space() + value(depth: depth) }
        return s + space() + "]"
    }
}
