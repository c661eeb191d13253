/// Lint: `SYSTEM ""` or `TEMPLATE ""` on top of a base model. Ollama skips empty values, so the
/// base model's system prompt or template is kept, not cleared.
/// Fix: write the text you want, or remove the line.
enum EmptyValueKeepsBase: LintRule {
    fileprivate static func message(_ i: Instruction) -> Diagnostic {
        Diagnostic(code: .emptyValueKeepsBase, message: "an empty \(i.keyword.rawValue) does not clear the base model's \(i.keyword.rawValue.lowercased())",
                   range: i.range, help: "Ollama keeps the inherited value")
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        let hasBaseModel = context.instructions.enumerated().contains { $0.element.keyword == .from && context.fromKinds[$0.offset] == nil }
        guard hasBaseModel else { return [] }
        return context.instructions.filter { ($0.keyword == .system || $0.keyword == .template) && $0.value.isEmpty }.map(message)
    }
}
