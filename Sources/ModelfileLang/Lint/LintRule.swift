/// What a lint rule sees: the parsed file, the check options and what the checker found out.
struct LintContext {
    let modelfile: Modelfile
    let options: CheckOptions
    /// FROM instructions (by index in `modelfile.instructions`) that name an existing path.
    let fromKinds: [Int: (path: String, kind: PathKind)]
    let instructions: [Instruction]
    /// Indices (in `instructions`) of the FROM instructions.
    let fromIndices: [Int]

    /// The index of the last instruction of each keyword.
    let lastIndex: [Keyword: Int]

    /// The last instruction with this keyword (the one Ollama keeps for single-valued ones),
    /// found without copying every instruction on the way.
    func last(_ keyword: Keyword) -> Instruction? { lastIndex[keyword].map { instructions[$0] } }

    /// True when some FROM names a model rather than an existing path.
    var hasModelNameFrom: Bool { fromIndices.contains { fromKinds[$0] == nil } }

    init(modelfile: Modelfile, options: CheckOptions, fromKinds: [Int: (path: String, kind: PathKind)], instructions: [Instruction]) {
        self.modelfile = modelfile
        self.options = options
        self.fromKinds = fromKinds
        self.instructions = instructions
        self.fromIndices = instructions.indices.filter { instructions[$0].keyword == .from }
        var last: [Keyword: Int] = [:]
        for k in instructions.indices { last[instructions[k].keyword] = k }
        self.lastIndex = last
    }
}

/// One lint rule: a check that Ollama accepts the file but probably not as meant.
/// Each rule lives in `Lint/Rules/`, its doc comment starting `Lint:` and `Fix:`.
protocol LintRule {
    static func check(_ context: LintContext) -> [Diagnostic]
}

enum LintRules {
    static var all: [any LintRule.Type] { [
        SystemNotRead.self, TemplateIgnoresInput.self, DroppedCharacterRule.self,
        EmptyValueKeepsBase.self, MixedFrom.self, HashInValue.self, TemplateDiagnostics.self, UnrecognisedChatTemplate.self,
    ] }

    static func run(_ context: LintContext) -> [Diagnostic] {
        all.flatMap { $0.check(context) }
    }
}
