/// Lint: `SYSTEM ""` or `TEMPLATE ""` on top of a base model. Ollama skips empty values, so the
/// base model's system prompt or template is kept, not cleared.
/// Fix: write the text you want, or remove the line.
enum EmptyValueKeepsBase: LintRule {
    fileprivate static func message(_ i: Instruction) -> Diagnostic {
        Diagnostic(code: .emptyValueKeepsBase, message: "an empty \(i.keyword.rawValue) does not clear the base model's \(i.keyword.rawValue.lowercased())",
                   range: i.range, help: "Ollama keeps the inherited value")
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard context.hasModelNameFrom else { return [] }
        var found: [Diagnostic] = []
        for k in context.instructions.indices {
            let keyword = context.instructions[k].keyword
            if (keyword == .system || keyword == .template) && context.instructions[k].value.isEmpty {
                found.append(message(context.instructions[k]))
            }
        }
        return found
    }
}
