/// The markers a model writes around tool calls and reasoning, read from the template that shows
/// them, with Ollama's heuristics (`tools.parseTag`, `thinking.InferTags`) so a server parses the
/// output of a custom TEMPLATE the way Ollama would. Only the main template is read, not its defines.
extension PromptTemplate {
    /// The text that starts a tool call in the model's output: the first non-blank text inside the
    /// first `if` whose condition reads `.ToolCalls`, up to a `{`, trimmed; `{` when there is none
    /// (then any JSON object may be a call).
    public var toolCallTag: String {
        guard let node = Self.toolCallsIf(template.trees[template.name] ?? []),
              let text = Self.firstText(node.list) else { return "{" }
        var tag = text.replacingOccurrences(of: "\r\n", with: "\n")
        if let brace = tag.firstIndex(of: "{") { tag = String(tag[..<brace]) }
        tag = GoStrings.trimSpace(tag)
        return tag.isEmpty ? "{" : tag
    }

    /// The tags around reasoning, when the template shows `.Thinking` of messages: the first and last
    /// text of the list holding the last such `.Thinking` inside a `range` over `.Messages`, trimmed.
    /// Nil unless both are found (then the model has no thinking capability).
    public var thinkingTags: (opening: String, closing: String)? {
        var opening = "", closing = ""
        var lists: [[TemplateNode]] = [], ranges: [TemplateBranch] = []
        func found(_ arg: TemplateArg) {
            guard case .field(_, let ident) = arg, ident.first == "Thinking",
                  let range = ranges.last, Self.reads(range.pipe, field: "Messages"), let list = lists.last else { return }
            if case .text(_, let t)? = list.first { opening = GoStrings.trimSpace(t) }
            if case .text(_, let t)? = list.last { closing = GoStrings.trimSpace(t) }
        }
        func visit(_ pipe: TemplatePipe) {
            for c in pipe.cmds {
                for a in c.args {
                    if case .pipe(let p) = a { visit(p) } else if case .chain(_, .pipe(let p), _) = a { visit(p) } else { found(a) }
                }
            }
        }
        func visit(_ nodes: [TemplateNode]) {
            lists.append(nodes)
            defer { lists.removeLast() }
            for node in nodes {
                switch node {
                case .action(_, _, let pipe): visit(pipe)
                case .template(_, _, _, let pipe?): visit(pipe)
                case .list(_, let inner): visit(inner)
                case .ifNode(let b), .withNode(let b): visit(b.pipe); visit(b.list); b.elseList.map { visit($0) }
                case .rangeNode(let b):
                    ranges.append(b)
                    visit(b.pipe); visit(b.list); b.elseList.map { visit($0) }
                    ranges.removeLast()
                default: break
                }
            }
        }
        visit(template.trees[template.name] ?? [])
        return opening.isEmpty || closing.isEmpty ? nil : (opening, closing)
    }

    /// The first `if` (depth first, in order) whose own commands take a `.ToolCalls` field.
    private static func toolCallsIf(_ nodes: [TemplateNode]) -> TemplateBranch? {
        for node in nodes {
            switch node {
            case .ifNode(let b):
                let readsCalls = b.pipe.cmds.contains { $0.args.contains { arg in
                    if case .field(_, let ident) = arg { return ident.contains("ToolCalls") }
                    return false
                } }
                if readsCalls { return b }
                if let r = toolCallsIf(b.list) ?? b.elseList.flatMap(toolCallsIf) { return r }
            case .rangeNode(let b), .withNode(let b):
                if let r = toolCallsIf(b.list) ?? b.elseList.flatMap(toolCallsIf) { return r }
            case .list(_, let inner):
                if let r = toolCallsIf(inner) { return r }
            default: break
            }
        }
        return nil
    }

    /// The first non-blank text, looking into branches but stopping at an action or at a branch
    /// without text.
    private static func firstText(_ nodes: [TemplateNode]) -> String? {
        for node in nodes {
            switch node {
            case .text(_, let t):
                if GoStrings.trimSpace(t).isEmpty { continue }
                return t
            case .ifNode(let b), .rangeNode(let b), .withNode(let b):
                return firstText(b.list) ?? b.elseList.flatMap(firstText)
            case .list(_, let inner):
                if let t = firstText(inner) { return t }
            case .action: return nil
            default: continue
            }
        }
        return nil
    }

    /// Whether a pipeline reads `.field…` anywhere.
    private static func reads(_ pipe: TemplatePipe, field: String) -> Bool {
        pipe.cmds.contains { $0.args.contains { arg in
            switch arg {
            case .field(_, let ident): return ident.first == field
            case .pipe(let p): return reads(p, field: field)
            default: return false
            }
        } }
    }
}
