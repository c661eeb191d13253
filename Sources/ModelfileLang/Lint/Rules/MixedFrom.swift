/// Lint: FROM lines that mix a model name with local files. When any FROM is a name, Ollama
/// builds from the name alone and silently ignores every FROM file.
/// Fix: keep either the model name or the files.
enum MixedFrom: LintRule {
    fileprivate static func message(_ file: Instruction, name: Instruction) -> Diagnostic {
        Diagnostic(code: .mixedFrom, message: "FROM file '\(file.value)' is ignored because another FROM names a model",
                   range: file.valueRange, notes: [Note("FROM model '\(name.value)' is here", at: name.valueRange)])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        let froms = context.instructions.enumerated().filter { $0.element.keyword == .from }
        guard let name = froms.last(where: { context.fromKinds[$0.offset] == nil })?.element else { return [] }
        return froms.filter { context.fromKinds[$0.offset] != nil }.map { message($0.element, name: name) }
    }
}
