import Foundation

/// Reads literal text out of a Jinja chat template, for the parts of a family that vary between
/// releases (default system prompts, spacing around markers). Only string literals joined with `+`
/// are read; a name or call between them (`today`, `strftime_now('%B %d, %Y')`) is kept as a name,
/// so a family can put the Go template's date there.
enum JinjaLiterals {
    enum Part: Equatable {
        case text(String)
        case name(String)
    }

    /// The expression after the first `marker` (for example `default_system_message =`) that starts
    /// with a string literal: its literals unescaped and the names between them, or nil when none does.
    static func expression(after marker: String, in jinja: String) -> [Part]? {
        var rest = jinja[...]
        while let start = rest.range(of: marker) {
            if let parts = expression(in: jinja, from: start.upperBound) { return parts }
            rest = rest[start.upperBound...]
        }
        return nil
    }

    static func expression(in jinja: String, from start: String.Index) -> [Part]? {
        var parts: [Part] = []
        var i = start
        func skipSpaces() { while i < jinja.endIndex, jinja[i] == " " || jinja[i] == "\n" { i = jinja.index(after: i) } }
        while true {
            skipSpaces()
            guard i < jinja.endIndex else { break }
            let c = jinja[i]
            if c == "\"" || c == "'" {
                guard let (text, end) = literal(in: jinja, from: i) else { return nil }
                parts.append(.text(text))
                i = end
            } else if c.isLetter || c == "_" {
                var name = ""
                while i < jinja.endIndex, jinja[i].isLetter || jinja[i].isNumber || jinja[i] == "_" { name.append(jinja[i]); i = jinja.index(after: i) }
                if i < jinja.endIndex, jinja[i] == "(" {   // a call: skip its arguments
                    guard let close = jinja[i...].firstIndex(of: ")") else { return nil }
                    i = jinja.index(after: close)
                }
                parts.append(.name(name))
            } else {
                break
            }
            skipSpaces()
            guard i < jinja.endIndex, jinja[i] == "+" else { break }
            i = jinja.index(after: i)
        }
        guard case .text? = parts.first else { return nil }
        return parts
    }

    /// The quoted literal starting at `open`, unescaped, and the index after its closing quote.
    static func literal(in s: String, from open: String.Index) -> (String, String.Index)? {
        let quote = s[open]
        var out = "", i = s.index(after: open)
        while i < s.endIndex {
            let c = s[i]
            if c == quote { return (out, s.index(after: i)) }
            if c == "\\" {
                i = s.index(after: i)
                guard i < s.endIndex else { return nil }
                switch s[i] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(s[i])
                }
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// The parts as Go template text: literal text with `{{` escaped, and `today`-like names or date
    /// calls as Ollama's `currentDate` (Go templates cannot format dates as the Jinja does).
    static func goText(_ parts: [Part]) -> String {
        parts.map { part in
            switch part {
            case .text(let t): return t.replacingOccurrences(of: "{{", with: "{{ \"{{\" }}")
            case .name(let n) where n.contains("yesterday"): return "{{ yesterdayDate }}"
            case .name: return "{{ currentDate }}"
            }
        }.joined()
    }
}
