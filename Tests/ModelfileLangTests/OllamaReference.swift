@testable import ModelfileLang

/// A deliberately naive, rune-by-rune rendition of Ollama's `ParseFile` state machine (spec
/// §1, §2, §6), used as an oracle for the real lexer. It re-trims and re-unquotes the whole
/// buffer at every blank and line break, as Ollama does, so it is quadratic: tests only.
enum OllamaReference {
    enum State { case none, name, value, parameter, message, comment }

    /// The commands, or nil where Ollama returns an error.
    static func parse(_ scalars: [Unicode.Scalar]) -> [OllamaCommand]? {
        var state = State.none
        var buffer: [Unicode.Scalar] = []
        var name = "", role = ""
        var commands: [OllamaCommand] = []
        func isSpace(_ r: Unicode.Scalar) -> Bool { r == " " || r == "\t" }
        func isNewline(_ r: Unicode.Scalar) -> Bool { r == "\r" || r == "\n" }
        func isAlpha(_ r: Unicode.Scalar) -> Bool { (r >= "a" && r <= "z") || (r >= "A" && r <= "Z") }
        func text() -> String { String(String.UnicodeScalarView(buffer)) }
        func finished() -> String? { unquote(trim(buffer)) }

        for r in scalars {
            var next = state
            var kept: Unicode.Scalar? = r
            switch state {
            case .none:
                if r == "#" { next = .comment; kept = nil }
                else if isSpace(r) || isNewline(r) { kept = nil }
                else { next = .name }
            case .name:
                if isAlpha(r) {} else if isSpace(r) { next = .value; kept = nil } else { return nil }
            case .value:
                if isNewline(r) || isSpace(r) { next = .none }
            case .parameter:
                if isAlpha(r) || (r >= "0" && r <= "9") || r == "_" {} else if isSpace(r) { next = .value; kept = nil } else { return nil }
            case .message:
                if isAlpha(r) {} else if isSpace(r) { next = .value; kept = nil } else { return nil }
            case .comment:
                kept = nil
                if isNewline(r) { next = .none }
            }
            if next != state {
                switch state {
                case .name:
                    let word = text().lowercased()
                    guard Keyword(word: word) != nil else { return nil }
                    name = word == "from" ? "model" : word
                    if word == "parameter" { next = .parameter }
                    if word == "message" { next = .message }
                case .parameter:
                    name = text()
                case .message:
                    guard ["system", "user", "assistant"].contains(text()) else { return nil }
                    role = text()
                case .value:
                    guard let s = finished(), !isSpace(r) else {
                        buffer.append(r)
                        continue
                    }
                    commands.append(OllamaCommand(name: name, args: role.isEmpty ? s : role + ": " + s))
                    role = ""
                case .none, .comment:
                    break
                }
                buffer.removeAll()
                state = next
            }
            if let k = kept, Printable.isPrint(k.value) { buffer.append(k) }
        }
        switch state {
        case .none, .comment: break
        case .value:
            guard let s = finished() else { return nil }
            commands.append(OllamaCommand(name: name, args: role.isEmpty ? s : role + ": " + s))
        default: return nil
        }
        return commands.contains { $0.name == "model" } ? commands : nil
    }

    /// Go's `strings.TrimSpace`: Unicode white space at both ends.
    static func trim(_ s: [Unicode.Scalar]) -> String {
        var lo = 0, hi = s.count
        while lo < hi, s[lo].properties.isWhitespace { lo += 1 }
        while hi > lo, s[hi - 1].properties.isWhitespace { hi -= 1 }
        return String(String.UnicodeScalarView(s[lo..<hi]))
    }

    /// Ollama's `unquote`, on byte lengths like Go.
    static func unquote(_ s: String) -> String? {
        let b = Array(s.utf8)
        let q = UInt8(ascii: "\"")
        if b.count >= 3, b[0] == q, b[1] == q, b[2] == q {
            guard b.count >= 6, b[b.count - 1] == q, b[b.count - 2] == q, b[b.count - 3] == q else { return nil }
            return String(decoding: b[3..<(b.count - 3)], as: UTF8.self)
        }
        if b.count >= 1, b[0] == q {
            guard b.count >= 2, b[b.count - 1] == q else { return nil }
            return String(decoding: b[1..<(b.count - 1)], as: UTF8.self)
        }
        return s
    }
}
