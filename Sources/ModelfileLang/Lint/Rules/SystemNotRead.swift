/// Lint: a SYSTEM prompt with a TEMPLATE of this file that never reads `.System` (nor `.Messages`,
/// where Ollama also puts the system prompt), so the prompt is dropped.
/// Fix: read `{{ .System }}` in the template, or remove SYSTEM.
enum SystemNotRead: LintRule {
    fileprivate static func message(_ range: SourceRange, template: SourceRange) -> Diagnostic {
        Diagnostic(code: .systemNotRead, message: "SYSTEM is never read by this file's TEMPLATE", range: range,
                   help: "the template reads neither .System nor .Messages, so this prompt is dropped",
                   notes: [Note("the TEMPLATE is here", at: template)])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard let reader = context.options.templateFieldReader,
              let template = context.last(.template),
              let system = context.last(.system), !system.value.isEmpty,
              let fields = reader(template.value)
        else { return [] }
        return fields.contains("System") || fields.contains("Messages") ? [] : [message(system.keywordRange, template: template.keywordRange)]
    }
}
