/// Lint: ` #` inside a FROM, PARAMETER or other short value. A `#` starts a comment only at the
/// beginning of a line, so `FROM llama3 # base` names the model `llama3 # base`.
/// Fix: move the comment to its own line.
enum HashInValue: LintRule {
    static let prose: Set<Keyword> = [.template, .system, .license, .message]

    fileprivate static func message(_ i: Instruction, at range: SourceRange) -> Diagnostic {
        // No fix-it: deleting the text could remove what the author meant to keep.
        Diagnostic(code: .hashInValue, message: "'#' here is part of the value, not a comment", range: range,
                   help: "comments must start their own line")
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        let bytes = context.modelfile.source.bytes
        var found: [Diagnostic] = []
        for n in context.instructions.indices {
            let keyword = context.instructions[n].keyword, range = context.instructions[n].valueRange
            guard context.instructions[n].quoting == .none, !prose.contains(keyword),
                  context.instructions[n].name != "stop" else { continue }
            var k = range.start
            while k + 1 < range.end {
                if Lexer.isBlank(bytes[k]), bytes[k + 1] == UInt8(ascii: "#") {
                    found.append(message(context.instructions[n], at: SourceRange(start: k + 1, end: range.end)))
                    break
                }
                k += 1
            }
        }
        return found
    }
}
