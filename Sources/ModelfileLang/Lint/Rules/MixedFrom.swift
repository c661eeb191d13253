/// Lint: FROM lines that mix a model name with local files. When any FROM is a name, Ollama
/// builds from the name alone and silently ignores every FROM file.
/// Fix: keep either the model name or the files.
enum MixedFrom: LintRule {
    fileprivate static func message(_ file: Instruction, name: Instruction) -> Diagnostic {
        Diagnostic(code: .mixedFrom, message: "FROM file '\(file.value)' is ignored because another FROM names a model",
                   range: file.valueRange, notes: [Note("FROM model '\(name.value)' is here", at: name.valueRange)])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard let name = context.fromIndices.last(where: { context.fromKinds[$0] == nil }) else { return [] }
        return context.fromIndices.filter { context.fromKinds[$0] != nil }
            .map { message(context.instructions[$0], name: context.instructions[name]) }
    }
}
