/// Lint: a TEMPLATE that reads neither `.Prompt` nor `.Messages`, so the user's input never
/// reaches the model.
/// Fix: add `{{ .Prompt }}` or a `{{ range .Messages }}` loop.
enum TemplateIgnoresInput: LintRule {
    fileprivate static func message(_ range: SourceRange) -> Diagnostic {
        Diagnostic(code: .templateIgnoresInput, message: "TEMPLATE reads neither .Prompt nor .Messages", range: range,
                   help: "user input would be ignored")
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard let reader = context.options.templateFieldReader,
              let template = context.last(.template), !template.value.isEmpty,
              let fields = reader(template.value)
        else { return [] }
        return fields.contains("Prompt") || fields.contains("Messages") ? [] : [message(template.keywordRange)]
    }
}
