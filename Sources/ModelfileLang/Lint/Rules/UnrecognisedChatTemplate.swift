/// Lint: no TEMPLATE, and the FROM file's chat template is missing or of no family mfc knows, so
/// the model gets Ollama's default template `{{ .Prompt }}`: no SYSTEM, no turns, which a chat
/// model answers badly or not at all.
/// Fix: add a TEMPLATE line in the model's chat format.
enum UnrecognisedChatTemplate: LintRule {
    fileprivate static func message(_ from: Instruction, reason: String) -> Diagnostic {
        Diagnostic(code: .unrecognisedChatTemplate, message: "no chat template for FROM '\(from.value)'", range: from.valueRange,
                   help: reason)
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard let verdict = context.options.chatTemplateWarning, context.last(.template) == nil,
              !context.hasModelNameFrom, let first = context.fromIndices.first, let file = context.fromKinds[first],
              let reason = verdict(file.path)
        else { return [] }
        return [message(context.instructions[first], reason: reason)]
    }
}
