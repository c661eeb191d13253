/// Decides, byte by byte, whether text is still the start of a JSON object (`--format json`).
///
/// The generator masks every token whose bytes would leave this language, so the answer is valid
/// JSON by construction. Like llama.cpp's json.gbnf the root must be an object, and runs of
/// whitespace are capped so a model cannot stall forever on blanks.
package struct JSONPrefixValidator: Sendable {
    private enum Container: Sendable { case object, array }
    private enum State: Sendable, Equatable {
        case valueStart            // a value must come (after optional whitespace)
        case objectKeyOrEnd        // just after "{": a key or "}"
        case objectKey             // after ",": a key
        case colon                 // after a key
        case afterValue            // "," or the container's closer
        case arrayValueOrEnd       // just after "[": a value or "]"
        case string(key: Bool, escape: Escape)
        case number(Number)
        case literal(remaining: [UInt8])
        case done
    }
    private enum Escape: Sendable, Equatable { case none, backslash, unicode(Int) }
    private enum Number: Sendable, Equatable { case minus, zero, integer, dot, fraction, exponent, exponentSign, exponentDigits }

    private var stack: [Container] = []
    private var state: State = .valueStart
    private var blanks = 0
    /// Longest run of whitespace accepted between tokens.
    package static let maxBlankRun = 20

    package init() {}

    /// True once the root object is closed.
    package var isComplete: Bool { state == .done }

    /// Whether `bytes` can follow the text so far (without changing this validator).
    package func accepts(_ bytes: [UInt8]) -> Bool {
        var copy = self
        return copy.feed(bytes)
    }

    /// Consumes `bytes`; false (and an unusable state) if they cannot continue a JSON object.
    package mutating func feed(_ bytes: [UInt8]) -> Bool {
        for b in bytes where !step(b) { return false }
        return true
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    private static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }

    private mutating func step(_ b: UInt8) -> Bool {
        switch state {
        case .string(let key, let escape):
            return string(b, key: key, escape: escape)
        case .number(let n):
            if let next = Self.number(n, b) { state = .number(next); return true }
            guard [.zero, .integer, .fraction, .exponentDigits].contains(n) else { return false }
            state = .afterValue
            return step(b)   // the byte that ended the number is read as what follows a value
        case .literal(let remaining):
            guard remaining.first == b else { return false }
            state = remaining.count == 1 ? .afterValue : .literal(remaining: Array(remaining.dropFirst()))
            return true
        default:
            break
        }
        if Self.isBlank(b) {
            blanks += 1
            return blanks <= Self.maxBlankRun && state != .done
        }
        blanks = 0
        switch state {
        case .valueStart, .arrayValueOrEnd:
            if state == .arrayValueOrEnd && b == UInt8(ascii: "]") { return close(.array) }
            return startValue(b)
        case .objectKeyOrEnd, .objectKey:
            if state == .objectKeyOrEnd && b == UInt8(ascii: "}") { return close(.object) }
            guard b == UInt8(ascii: "\"") else { return false }
            state = .string(key: true, escape: .none)
            return true
        case .colon:
            guard b == UInt8(ascii: ":") else { return false }
            state = .valueStart
            return true
        case .afterValue:
            switch (b, stack.last) {
            case (UInt8(ascii: ","), .object?): state = .objectKey; return true
            case (UInt8(ascii: ","), .array?): state = .valueStart; return true
            case (UInt8(ascii: "}"), .object?): return close(.object)
            case (UInt8(ascii: "]"), .array?): return close(.array)
            default: return false
            }
        default:
            return false
        }
    }

    private mutating func startValue(_ b: UInt8) -> Bool {
        if stack.isEmpty && b != UInt8(ascii: "{") { return false }   // the root is an object
        switch b {
        case UInt8(ascii: "{"): stack.append(.object); state = .objectKeyOrEnd
        case UInt8(ascii: "["): stack.append(.array); state = .arrayValueOrEnd
        case UInt8(ascii: "\""): state = .string(key: false, escape: .none)
        case UInt8(ascii: "-"): state = .number(.minus)
        case UInt8(ascii: "0"): state = .number(.zero)
        case _ where Self.isDigit(b): state = .number(.integer)
        case UInt8(ascii: "t"): state = .literal(remaining: Array("rue".utf8))
        case UInt8(ascii: "f"): state = .literal(remaining: Array("alse".utf8))
        case UInt8(ascii: "n"): state = .literal(remaining: Array("ull".utf8))
        default: return false
        }
        return true
    }

    private mutating func close(_ container: Container) -> Bool {
        guard stack.last == container else { return false }
        stack.removeLast()
        state = stack.isEmpty ? .done : .afterValue
        return true
    }

    private mutating func string(_ b: UInt8, key: Bool, escape: Escape) -> Bool {
        switch escape {
        case .none:
            if b == UInt8(ascii: "\"") { state = key ? .colon : .afterValue; return true }
            if b == UInt8(ascii: "\\") { state = .string(key: key, escape: .backslash); return true }
            return b >= 0x20
        case .backslash:
            if b == UInt8(ascii: "u") { state = .string(key: key, escape: .unicode(4)); return true }
            guard Array("\"\\/bfnrt".utf8).contains(b) else { return false }
            state = .string(key: key, escape: .none)
            return true
        case .unicode(let left):
            guard Self.isHex(b) else { return false }
            state = .string(key: key, escape: left == 1 ? .none : .unicode(left - 1))
            return true
        }
    }

    /// The number state after `b`, or nil when `b` does not continue the number.
    private static func number(_ n: Number, _ b: UInt8) -> Number? {
        let digit = isDigit(b)
        switch n {
        case .minus: return b == UInt8(ascii: "0") ? .zero : digit ? .integer : nil
        case .zero, .integer:
            if digit { return n == .integer ? .integer : nil }
            if b == UInt8(ascii: ".") { return .dot }
            return b == UInt8(ascii: "e") || b == UInt8(ascii: "E") ? .exponent : nil
        case .dot: return digit ? .fraction : nil
        case .fraction:
            if digit { return .fraction }
            return b == UInt8(ascii: "e") || b == UInt8(ascii: "E") ? .exponent : nil
        case .exponent: return b == UInt8(ascii: "+") || b == UInt8(ascii: "-") ? .exponentSign : digit ? .exponentDigits : nil
        case .exponentSign, .exponentDigits: return digit ? .exponentDigits : nil
        }
    }
}
