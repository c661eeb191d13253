/// Settings for `Modelfile.check`.
public struct CheckOptions: Sendable {
    /// The directory FROM, ADAPTER and DRAFT paths are relative to (the Modelfile's directory).
    public var directory: String
    public var fileSystem: FileSystemProbe
    /// Also run the lint rules (MF2xxx).
    public var lint: Bool
    /// The top-level fields a template reads (`System`, `Prompt`, `Messages`, ...), or nil when it
    /// does not parse. Supplied by the template engine; without it the template lint rules are skipped.
    public var templateFieldReader: (@Sendable (String) -> Set<String>?)?
    /// Whether a model name exists in the local store (FROM a missing one is MF1012); nil skips the check.
    public var modelExists: (@Sendable (String) -> Bool)?
    /// For a FROM file (GGUF or model folder) given by its resolved path: why its chat template cannot
    /// be used and what will be used instead, or nil when mfc recognises it. Supplied by the builder's
    /// template resolver; without it the rule is skipped.
    public var chatTemplateWarning: (@Sendable (String) -> String?)?

    public init(directory: String, fileSystem: FileSystemProbe = .local, lint: Bool = true,
                templateFieldReader: (@Sendable (String) -> Set<String>?)? = nil,
                modelExists: (@Sendable (String) -> Bool)? = nil,
                chatTemplateWarning: (@Sendable (String) -> String?)? = nil) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.lint = lint
        self.templateFieldReader = templateFieldReader
        self.modelExists = modelExists
        self.chatTemplateWarning = chatTemplateWarning
    }
}

extension Modelfile {
    /// Checks what Ollama checks after parsing (FROM present, PARAMETER names and values,
    /// REQUIRES, ADAPTER/DRAFT paths) and what it silently gets wrong (repeated instructions,
    /// FROM paths that fall back to model names, values `show --modelfile` cannot print back),
    /// then runs the lint rules.
    /// - Parameter options: where relative paths start, and the file system to probe.
    /// - Returns: the diagnostics in source order.
    public func check(options: CheckOptions) -> [Diagnostic] {
        checked(options: options).diagnostics
    }
}

extension Modelfile {
    /// The errors Ollama's `parser.ParseFile` itself adds after a clean parse: only "no FROM line".
    public func parseFileDiagnostics() -> [Diagnostic] {
        let hasFrom = instructions.indices.contains { instructions[$0].keyword == .from }
        return hasFrom ? [] : [.missingFrom(at: .at(0))]
    }
}

struct Checker {
    /// Instructions where a later one silently replaces an earlier one (ADAPTER lines stack).
    /// A switch, not a `Set<Keyword>`: the set's metadata costs a conformance scan at start-up.
    static func isSingleValued(_ k: Keyword) -> Bool {
        switch k {
        case .template, .system, .renderer, .parser, .requires: true
        default: false
        }
    }

    let modelfile: Modelfile
    let options: CheckOptions
    let instructions: [Instruction]
    var diagnostics: [Diagnostic] = []
    /// The typed PARAMETER values (each value parsed once, here).
    var parameters = ParameterValues()
    /// For each FROM instruction (by index in `instructions`): its resolved path if it exists.
    var fromKinds: [Int: (path: String, kind: PathKind)] = [:]
    var froms: [CheckedModelfile.From] = []
    var adapters: [String] = []
    var draft: String?
    var deprecatedParameters: [String] = []

    init(modelfile: Modelfile, options: CheckOptions) {
        self.modelfile = modelfile
        self.options = options
        self.instructions = modelfile.instructions
    }

    mutating func run() {
        diagnostics += modelfile.parseFileDiagnostics()
        var lastSingle: [String: SourceRange] = [:]
        var lastFromPath: (String, SourceRange)?
        for (index, i) in instructions.enumerated() {
            switch i.keyword {
            case .parameter:
                checkParameter(i, lastSingle: &lastSingle)
            case .requires:
                var v = i.value
                if !v.hasPrefix("v") { v = "v" + v }
                if !GoSyntax.isValidSemver(v) { diagnostics.append(.invalidRequires(i.value, at: i.valueRange)) }
            case .from:
                if let resolved = checkFrom(i, index: index) { lastFromPath = resolved }
                else { noteRepeat("FROM model name", i, &lastSingle) }
            case .adapter, .draft:
                checkRequiredPath(i, lastFromPath: lastFromPath)
            default:
                break
            }
            if Checker.isSingleValued(i.keyword) {
                noteRepeat(i.keyword.rawValue, i, &lastSingle)
            }
            checkPrintableBack(i)
        }
    }

    mutating func noteRepeat(_ key: String, _ i: Instruction, _ last: inout [String: SourceRange]) {
        if let earlier = last[key] { diagnostics.append(.repeated(key, earlier: earlier, at: i.keywordRange)) }
        last[key] = i.range
    }

    mutating func checkParameter(_ i: Instruction, lastSingle: inout [String: SourceRange]) {
        let name = i.name ?? ""
        let nameRange = i.nameRange ?? i.keywordRange
        if name.isEmpty {
            diagnostics.append(.emptyParameterName(at: SourceRange(start: i.keywordRange.end, end: i.valueRange.start)))
            return
        }
        if Parameters.deprecated.contains(name) {
            deprecatedParameters.append(name)
            diagnostics.append(.deprecatedParameter(name, at: nameRange))
            return
        }
        guard let spec = Parameters.table[name] else {
            let suggestion = Parameters.foreignNames[name.lowercased()]
                ?? EditDistance.closest(to: name, in: Parameters.names + Array(Parameters.deprecated))
            diagnostics.append(.unknownParameter(name, suggestion: suggestion == name.lowercased() ? nil : suggestion, at: nameRange))
            return
        }
        if spec.isSingleValued { noteRepeat("PARAMETER \(name)", i, &lastSingle) }
        switch Parameters.parse(i.value, for: name) {
        case .success(let value):
            parameters.set(name, value)
            if case .int(let v) = value, value.description != String(v) {
                diagnostics.append(.notPrintableBack("value", reason: "it prints as \(value), which is not an int", at: i.valueRange))
            }
            if !spec.isInRange(value) {
                diagnostics.append(.parameterOutOfRange(i.value, name: name, spec: spec, at: i.valueRange))
            }
        case .failure(let error):
            diagnostics.append(.invalidParameterValue(i.value, error: error, type: spec.type, at: i.valueRange))
        }
    }

    /// Returns the FROM's resolved path when it names an existing file or directory.
    mutating func checkFrom(_ i: Instruction, index: Int) -> (String, SourceRange)? {
        let path: String
        switch PathExpansion.expand(i.value, relativeTo: options.directory, probe: options.fileSystem) {
        case .success(let p): path = p
        case .failure(.unknownUser(let user)):
            // Ollama stops with "failed to find user" before it could fall back to a model name.
            diagnostics.append(.unknownUser(.from, user: user, at: i.valueRange))
            return nil
        }
        let kind = options.fileSystem.kind(path)
        if kind != .missing {
            fromKinds[index] = (path, kind)
            froms.append(.path(path, kind: kind, written: i.value))
            return (path, i.valueRange)
        }
        froms.append(.model(i.value))
        if PathExpansion.looksLikePath(i.value) {
            diagnostics.append(.fromPathNotFound(i.value, resolved: path, at: i.valueRange))
        } else if let exists = options.modelExists, !exists(i.value) {
            diagnostics.append(.modelNotFound(i.value, at: i.valueRange))
        }
        return nil
    }

    mutating func checkRequiredPath(_ i: Instruction, lastFromPath: (String, SourceRange)?) {
        switch PathExpansion.expand(i.value, relativeTo: options.directory, probe: options.fileSystem) {
        case .failure(.unknownUser(let user)):
            diagnostics.append(.unknownUser(i.keyword, user: user, at: i.valueRange))
        case .success(let path):
            if i.keyword == .adapter { adapters.append(path) } else { draft = path }
            guard options.fileSystem.kind(path) != .missing else {
                diagnostics.append(.missingPath(i.keyword, i.value, resolved: path, at: i.valueRange))
                return
            }
            if i.keyword == .draft, let (fromPath, fromRange) = lastFromPath,
               options.fileSystem.canonical(fromPath) == options.fileSystem.canonical(path) {
                diagnostics.append(.draftSameAsFrom(i.value, from: fromRange, at: i.valueRange))
            }
        }
    }

    /// `ollama show --modelfile` prints stored values with its own quoting and number format;
    /// some cannot be parsed back to the same value.
    mutating func checkPrintableBack(_ i: Instruction) {
        switch i.keyword {
        case .from, .adapter, .draft, .requires:
            return   // printed as blob paths, or (REQUIRES) never printed
        case .parameter:
            // Scalars are checked where they are parsed (checkParameter).
            guard Parameters.table[i.name ?? ""]?.type == .stringList else { return }
        default:
            break
        }
        if !ShowFormat.roundTrips(i.value) {
            diagnostics.append(.notPrintableBack(i.keyword == .parameter ? "value" : i.keyword.rawValue,
                                                 reason: "its quoting would change the value to \(ShowFormat.reparsedDescription(i.value))",
                                                 at: i.valueRange))
        }
    }
}
