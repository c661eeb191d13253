/// What a template is rendered with (Ollama's `template.Values`).
public struct PromptValues: Sendable, Hashable {
    public var messages: [ChatMessage]
    public var tools: [Tool]?
    public var prompt: String
    public var suffix: String
    public var think: Bool
    public var thinkLevel: String
    public var isThinkSet: Bool
    /// Render in legacy mode even if the template reads `.Messages` (Ollama's test hook).
    public var forceLegacy: Bool

    public init(messages: [ChatMessage] = [], tools: [Tool]? = nil, prompt: String = "", suffix: String = "",
                think: ThinkValue? = nil, forceLegacy: Bool = false) {
        self.messages = messages
        self.tools = tools
        self.prompt = prompt
        self.suffix = suffix
        self.think = think?.enabled ?? false
        self.thinkLevel = think?.level ?? ""
        self.isThinkSet = think != nil
        self.forceLegacy = forceLegacy
    }
}

/// Which of Ollama's three rendering modes applies.
public enum PromptMode: String, Sendable {
    case suffix, messages, legacy
}

/// A TEMPLATE as Ollama holds it: a Go template parsed with `missingkey=zero` and Ollama's
/// functions, its lower-cased identifiers (`Vars`), and `{{ .Response }}` appended when the
/// template reads neither `.Messages` nor `.Response`.
public struct PromptTemplate: Sendable {
    /// The text as written (Ollama's `String()`).
    public let raw: String
    /// The executable template (with the appended response action, if any).
    public let template: Template
    /// Identifiers the template reads, lower-cased, sorted, without duplicates.
    public let vars: [String]

    /// Ollama's default, `{{ .Prompt }}`.
    public static let defaultText = "{{ .Prompt }}"

    /// Parses as Ollama's `template.Parse` does.
    /// - Throws: `TemplateParseError`, including Ollama's own "undefined template specified"
    ///   for `{{ template "x" }}` without an argument.
    public static func parse(_ text: String, options: TemplateOptions = .ollama) throws(TemplateParseError) -> PromptTemplate {
        var t = try Template.parse(text, name: "", options: options)
        let vars = try TemplateFields.identifiers(t)
        if !vars.contains("messages") && !vars.contains("response") {
            var trees = t.trees
            trees[""] = (trees[""] ?? []) + [Self.responseAction]
            t = Template(name: t.name, text: t.text, options: t.options, trees: trees)
        }
        return PromptTemplate(raw: text, template: t, vars: vars)
    }

    static let responseAction = TemplateNode.action(pos: 0, line: 0, pipe: TemplatePipe(
        pos: 0, line: 0, cmds: [TemplateCommand(pos: 0, args: [.field(pos: 0, ident: ["Response"])])]))

    /// The mode `execute` will use for these values.
    public func mode(for v: PromptValues) -> PromptMode {
        if !v.prompt.isEmpty && !v.suffix.isEmpty { return .suffix }
        if !v.forceLegacy && vars.contains("messages") { return .messages }
        return .legacy
    }

    /// Renders as Ollama's `Template.Execute` does (collate, then suffix, messages or legacy mode).
    /// - Throws: `TemplateError` with Go's message.
    public func execute(_ v: PromptValues) throws(TemplateError) -> String {
        let (system, messages) = Self.collate(v.messages)
        let think: [String: TemplateValue] = [
            "Think": .bool(v.think), "ThinkLevel": .string(v.thinkLevel), "IsThinkSet": .bool(v.isThinkSet),
        ]
        switch mode(for: v) {
        case .suffix:
            let data = think.merging(["Prompt": .string(v.prompt), "Suffix": .string(v.suffix), "Response": .string("")]) { a, _ in a }
            return try run(template, data)
        case .messages:
            let data = think.merging([
                "System": .string(system), "Messages": OllamaValues.messages(messages),
                "Tools": OllamaValues.tools(v.tools), "Response": .string(""),
            ]) { a, _ in a }
            return try run(template, data)
        case .legacy:
            return try executeLegacy(messages, think: think)
        }
    }

    private func run(_ t: Template, _ data: [String: TemplateValue]) throws(TemplateError) -> String {
        do {
            return try t.render(.object(data))
        } catch {
            throw .exec(error)
        }
    }

    /// Ollama's `collate`: all system contents joined by a blank line, and consecutive messages
    /// of the same role (except tool messages) merged with "\n\n".
    public static func collate(_ msgs: [ChatMessage]) -> (system: String, messages: [ChatMessage]) {
        var system: [String] = []
        var collated: [ChatMessage] = []
        for m in msgs {
            if m.role == "system" { system.append(m.content) }
            if let last = collated.last, last.role == m.role, m.role != "tool" {
                collated[collated.count - 1].content += "\n\n" + m.content
            } else {
                collated.append(m)
            }
        }
        return (system.joined(separator: "\n\n"), collated)
    }

    /// Legacy mode: one render per System/Prompt/Response turn, then a final render of the
    /// template cut right after its first `.Response` field (without Ollama's functions).
    private func executeLegacy(_ messages: [ChatMessage], think: [String: TemplateValue]) throws(TemplateError) -> String {
        var out = ""
        var system = "", prompt = "", response = ""
        func turn() -> [String: TemplateValue] {
            think.merging(["System": .string(system), "Prompt": .string(prompt), "Response": .string(response)]) { a, _ in a }
        }
        for m in messages {
            switch m.role {
            case "system":
                if !prompt.isEmpty || !response.isEmpty {
                    out += try run(template, turn())
                    (system, prompt, response) = ("", "", "")
                }
                system = m.content
            case "user":
                if !response.isEmpty {
                    out += try run(template, turn())
                    (system, prompt, response) = ("", "", "")
                }
                prompt = m.content
            case "assistant":
                response = m.content
            default:
                break
            }
        }
        var cutter = ResponseCutter()
        let root: [TemplateNode]
        do {
            root = try cutter.cut(template.trees[""] ?? [])
        } catch {
            throw .exec(error)
        }
        var plain = template.options
        plain.ollamaFunctions = false
        plain.missingKeyZero = false
        let truncated = Template(name: "", text: template.text, options: plain, trees: ["": root])
        return out + (try run(truncated, turn()))
    }
}

/// Ollama's `deleteNode` with its predicate: walking in document order, the first field node
/// naming `Response` is kept and every node visited after it is deleted; pipes and actions left
/// empty go too. Conditions of if/with/range are not visited.
struct ResponseCutter {
    var cut = false

    /// Ollama panics when the cut leaves an `else` branch behind; we report it instead.
    static func elseError() -> TemplateExecError {
        let reason = "the template's .Response is inside a branch that has an else; Ollama cannot truncate it "
            + "(it panics: interface conversion: parse.Node is nil, not *parse.ListNode)"
        return TemplateExecError(message: "template: \(reason)", line: nil, column: nil, reason: reason)
    }

    mutating func cut(_ nodes: [TemplateNode]) throws(TemplateExecError) -> [TemplateNode] {
        var kept: [TemplateNode] = []
        for n in nodes {
            if let k = try walk(n) { kept.append(k) }
        }
        return kept
    }

    mutating func walk(_ node: TemplateNode) throws(TemplateExecError) -> TemplateNode? {
        if cut { return nil }
        switch node {
        case .ifNode(let b): return .ifNode(try branch(b))
        case .withNode(let b): return .withNode(try branch(b))
        case .rangeNode(let b): return .rangeNode(try branch(b))
        case .list(let pos, let nodes): return .list(pos: pos, nodes: try cut(nodes))
        case .action(let pos, let line, let pipe):
            guard let p = walk(pipe) else { return nil }
            return .action(pos: pos, line: line, pipe: p)
        default:
            return node
        }
    }

    mutating func branch(_ b: TemplateBranch) throws(TemplateExecError) -> TemplateBranch {
        var b = b
        b.list = try cut(b.list)
        if let e = b.elseList {
            if cut { throw Self.elseError() }
            b.elseList = try cut(e)
        }
        return b
    }

    mutating func walk(_ pipe: TemplatePipe) -> TemplatePipe? {
        if cut { return nil }
        var p = pipe
        var commands: [TemplateCommand] = []
        for var c in pipe.cmds {
            var args: [TemplateArg] = []
            for a in c.args {
                if let k = walk(a) { args.append(k) }
            }
            if args.isEmpty { return nil }
            c.args = args
            commands.append(c)
        }
        if commands.isEmpty { return nil }
        p.cmds = commands
        return p
    }

    mutating func walk(_ arg: TemplateArg) -> TemplateArg? {
        if case .field(_, let ident) = arg, ident.contains("Response") {
            cut = true
            return arg
        }
        if cut { return nil }
        if case .pipe(let p) = arg {
            guard let k = walk(p) else { return nil }
            return .pipe(k)
        }
        return arg
    }
}
