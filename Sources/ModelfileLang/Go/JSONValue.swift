/// A minimal JSON value with ordered objects, so output is stable without Foundation.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }
    public func hash(into h: inout Hasher) { h.combine(rendered()) }

    /// JSON text; with `indent`, pretty-printed with that many spaces per level.
    public func rendered(indent: Int? = nil) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    func write(to out: inout String, indent: Int?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (k, item) in items.enumerated() {
                out += (k > 0 ? "," : "") + newline
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out += closing + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{"
            for (k, (key, value)) in fields.enumerated() {
                out += (k > 0 ? "," : "") + newline
                JSONValue.escape(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(to: &out, indent: indent, level: level + 1)
            }
            out += closing + "}"
        }
    }

    static func escape(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

extension SourceFile {
    /// `{"line":…,"column":…,"offset":…}`.
    public func json(_ offset: Int) -> JSONValue {
        let l = location(of: offset)
        return .object([("line", .int(l.line)), ("column", .int(l.column)), ("offset", .int(l.offset))])
    }

    /// `{"start":{…},"end":{…}}`.
    public func json(_ range: SourceRange) -> JSONValue {
        .object([("start", json(range.start)), ("end", json(range.end))])
    }
}

extension Diagnostic {
    /// The diagnostic for editors and CI: code, severity, message, path, range, help, notes, fix-its.
    public func json(source: SourceFile) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("path", .string(source.path)), ("code", .string(code.description)),
            ("severity", .string(severity.rawValue)), ("message", .string(message)), ("range", source.json(range)),
        ]
        if let help { fields.append(("help", .string(help))) }
        fields.append(("notes", .array(notes.map { n in
            .object([("message", .string(n.message))] + (n.range.map { [("range", source.json($0))] } ?? []))
        })))
        fields.append(("fixIts", .array(fixIts.map { f in
            .object([("range", source.json(f.range)), ("replacement", .string(f.replacement))])
        })))
        return .object(fields)
    }
}
