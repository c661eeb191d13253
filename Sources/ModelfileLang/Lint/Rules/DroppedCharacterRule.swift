/// Lint: invisible or non-printable characters (NBSP, ZWJ, U+3000, control characters) that
/// Ollama's parser silently deletes, even inside quotes. Adjacent ones are reported together.
/// Fix: delete them, or use visible characters.
enum DroppedCharacterRule: LintRule {
    fileprivate static func message(_ run: ArraySlice<DroppedCharacter>) -> Diagnostic {
        let names = run.prefix(4).map { Diagnostic.scalarName(String(Unicode.Scalar($0.scalar).map(Character.init) ?? " ")) }
        let list = names.joined(separator: " ") + (run.count > 4 ? " ..." : "")
        let range = SourceRange(start: run.first?.range.start ?? 0, end: run.last?.range.end ?? 0)
        return Diagnostic(code: .droppedCharacter,
                          message: run.count == 1 ? "invisible character \(list) is dropped by Ollama"
                              : "\(run.count) invisible characters (\(list)) are dropped by Ollama",
                          range: range, help: "Ollama deletes characters Go's strconv.IsPrint rejects",
                          fixIts: [FixIt(range: range, replacement: "")])
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        let all = context.modelfile.droppedCharacters
        var found: [Diagnostic] = []
        var start = 0
        while start < all.count {
            var end = start + 1
            while end < all.count, all[end].range.start == all[end - 1].range.end { end += 1 }
            found.append(message(all[start..<end]))
            start = end
        }
        return found
    }
}
