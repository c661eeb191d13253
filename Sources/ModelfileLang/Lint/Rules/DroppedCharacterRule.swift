/// Lint: an invisible or non-printable character (NBSP, ZWJ, U+3000, a control character) that
/// Ollama's parser silently deletes, even inside quotes.
/// Fix: delete it, or use a visible character.
enum DroppedCharacterRule: LintRule {
    fileprivate static func message(_ c: DroppedCharacter) -> Diagnostic {
        Diagnostic(code: .droppedCharacter,
                   message: "invisible character \(Diagnostic.scalarName(String(Unicode.Scalar(c.scalar).map(Character.init) ?? " "))) is dropped by Ollama",
                   range: c.range, help: "Ollama deletes characters Go's strconv.IsPrint rejects",
                   fixIts: [FixIt(range: c.range, replacement: "")])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        context.modelfile.droppedCharacters.map(message)
    }
}
