/// Lint: ` #` inside a FROM, PARAMETER or other short value. A `#` starts a comment only at the
/// beginning of a line, so `FROM llama3 # base` names the model `llama3 # base`.
/// Fix: move the comment to its own line.
enum HashInValue: LintRule {
    static let prose: Set<Keyword> = [.template, .system, .license, .message]

    fileprivate static func message(_ i: Instruction, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .hashInValue, message: "'#' here is part of the value, not a comment", range: range,
                   help: "comments must start their own line",
                   fixIts: [FixIt(range: range, replacement: "")])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        context.instructions.compactMap { i in
            guard i.quoting == .none, !prose.contains(i.keyword), i.name != "stop" else { return nil }
            let bytes = context.modelfile.source.bytes
            var k = i.valueRange.start
            while k + 1 < i.valueRange.end {
                if Lexer.isBlank(bytes[k]), bytes[k + 1] == UInt8(ascii: "#") {
                    return message(i, at: SourceRange(start: k + 1, end: i.valueRange.end))
                }
                k += 1
            }
            return nil
        }
    }
}
