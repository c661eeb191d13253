/// Positions of template errors in the Modelfile that holds the TEMPLATE.
public enum TemplateLocation {
    /// Byte offset in the template text of Go's line (1-based) and column (bytes, 0-based).
    public static func offset(line: Int, column: Int, in text: String) -> Int {
        let b = Array(text.utf8)
        var offset = 0, current = 1
        while current < line, offset < b.count {
            if b[offset] == 0x0A { current += 1 }
            offset += 1
        }
        return min(offset + column, b.count)
    }

    /// An MF3001 diagnostic for a template error at `offset` in the instruction's value.
    public static func diagnostic(_ error: TemplateError, reason: String, instruction: Instruction, source: SourceFile,
                                  offset: Int) -> Diagnostic {
        let map = SourceMap(instruction: instruction, source: source.bytes)
        let kind: String
        switch error {
        case .parse: kind = "TEMPLATE does not parse"
        case .exec: kind = "TEMPLATE fails when rendered"
        }
        return Diagnostic(code: .templateSyntaxError, message: "\(kind): \(reason)", range: map.range(offset, 0))
    }
}
