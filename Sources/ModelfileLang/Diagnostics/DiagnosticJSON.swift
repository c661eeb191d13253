/// Diagnostics as JSON, for `mfc lint --format json` and editors.
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
