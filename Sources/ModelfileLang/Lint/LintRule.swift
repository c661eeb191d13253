/// What a lint rule sees: the parsed file, the check options and what the checker found out.
struct LintContext {
    let modelfile: Modelfile
    let options: CheckOptions
    /// FROM instructions (by index in `modelfile.instructions`) that name an existing path.
    let fromKinds: [Int: (path: String, kind: PathKind)]

    var instructions: [Instruction] { modelfile.instructions }
}

/// One lint rule: a check that Ollama accepts the file but probably not as meant.
/// Each rule lives in `Lint/Rules/`, its doc comment starting `Lint:` and `Fix:`.
protocol LintRule {
    static func check(_ context: LintContext) -> [Diagnostic]
}

enum LintRules {
    static let all: [any LintRule.Type] = [
        SystemNotRead.self, TemplateIgnoresInput.self, DroppedCharacterRule.self,
        EmptyValueKeepsBase.self, MixedFrom.self, HashInValue.self,
    ]

    static func run(_ context: LintContext) -> [Diagnostic] {
        all.flatMap { $0.check(context) }
    }
}

/// Where the template engine plugs in: the top-level fields a template reads, for the rules
/// that need them (MF2001, MF2002). Returns nil until the engine provides a reader.
public enum TemplateFields {
    public static var defaultReader: (@Sendable (String) -> Set<String>?)? { nil }
}
