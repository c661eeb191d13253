/// What a Modelfile means once checked: every value parsed once and typed, paths resolved, the
/// TEMPLATE parsed, with the diagnostics. The Builder, `mfc run` and `mfc template` read this,
/// never the raw instruction text. Repeats follow Ollama: the last TEMPLATE/SYSTEM/... wins,
/// PARAMETER scalars keep their last value, stop/LICENSE/MESSAGE/ADAPTER accumulate.
public struct CheckedModelfile: Sendable {
    /// What one FROM names.
    public enum From: Sendable, Hashable {
        /// An existing file or folder (absolute path, `~` expanded).
        case path(String, kind: PathKind, written: String)
        /// Anything else: Ollama takes it as a model name.
        case model(String)
    }

    public struct Message: Sendable, Hashable {
        public var role: String
        public var content: String
    }

    public let modelfile: Modelfile
    /// Syntax, checker and lint diagnostics in source order.
    public let diagnostics: [Diagnostic]
    public let froms: [From]
    /// ADAPTER paths resolved (absolute), in order.
    public let adapters: [String]
    public let draft: String?
    public let parameters: ParameterValues
    /// Deprecated names Ollama warns about and drops.
    public let deprecatedParameters: [String]
    public let template: String?
    /// `template` parsed (nil when there is none or it does not parse; the diagnostics say why).
    public let parsedTemplate: PromptTemplate?
    public let system: String?
    public let licenses: [String]
    public let messages: [Message]
    /// REQUIRES without its `v` prefix, as Ollama stores it.
    public let requires: String?
    public let renderer: String?
    public let parser: String?

    public var hasErrors: Bool { diagnostics.hasErrors }
}

extension Modelfile {
    /// Parses, checks and (with `options.lint`) lints a Modelfile's bytes.
    public static func checked(source bytes: [UInt8], path: String, options: CheckOptions) -> CheckedModelfile {
        let (modelfile, syntax) = Modelfile.parse(source: bytes, path: path)
        return modelfile.checked(options: options, syntaxDiagnostics: syntax)
    }

    /// Checks this file (see `check(options:)`) and returns what it means.
    public func checked(options: CheckOptions, syntaxDiagnostics: [Diagnostic] = []) -> CheckedModelfile {
        var checker = Checker(modelfile: self, options: options)
        checker.run()
        var template: String?, system: String?, requires: String?, renderer: String?, parser: String?
        var licenses: [String] = [], messages: [CheckedModelfile.Message] = []
        for i in instructions {
            switch i.keyword {
            case .template: template = i.value
            case .system: system = i.value
            case .license: licenses.append(i.value)
            case .message: messages.append(.init(role: i.name ?? "", content: i.value))
            case .requires: requires = i.value.hasPrefix("v") ? String(i.value.dropFirst()) : i.value
            case .renderer: renderer = i.value
            case .parser: parser = i.value
            case .from, .parameter, .adapter, .draft: break
            }
        }
        let parsedTemplate = template.flatMap { try? PromptTemplate.parse($0) }
        var diagnostics = syntaxDiagnostics + checker.diagnostics
        if options.lint {
            diagnostics += LintRules.run(LintContext(modelfile: self, options: options, fromKinds: checker.fromKinds,
                                                     instructions: checker.instructions))
        }
        return CheckedModelfile(
            modelfile: self, diagnostics: diagnostics.sortedByPosition(), froms: checker.froms, adapters: checker.adapters,
            draft: checker.draft, parameters: checker.parameters, deprecatedParameters: checker.deprecatedParameters,
            template: template, parsedTemplate: parsedTemplate, system: system, licenses: licenses, messages: messages,
            requires: requires, renderer: renderer, parser: parser)
    }
}
