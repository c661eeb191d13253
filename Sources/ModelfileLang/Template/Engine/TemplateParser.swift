/// A template syntax error, worded as Go words it: `template: NAME:LINE: message`.
public struct TemplateParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Go's full message.
    public var message: String
    /// 1-based line Go reports.
    public var line: Int
    /// The message without the `template: NAME:LINE: ` prefix.
    public var reason: String
    public var description: String { message }
}

/// Go's `text/template/parse` as recursive descent: one function per production, Go's
/// three-token lookahead (error lines come from the last token read, as in Go), `else if`
/// becoming a nested `if`, variables popped at `end`, `break`/`continue` only inside `range`.
/// Like Go, it stops at the first error.
struct TemplateParser {
    /// Every template defined by one parse (the top level under its own name).
    var trees: [String: [TemplateNode]] = [:]
    let name: String
    let functions: Set<String>

    private var lexer: TemplateLexer
    private var token: [TemplateToken]
    private var peekCount = 0
    private var vars: [String] = ["$"]
    private var rangeDepth = 0
    private var actionLine = 0
    /// Nesting of pipelines and control structures; newer Go caps it too ("max expression depth exceeded").
    private var depth = 0
    static let maxDepth = 200

    init(text: String, name: String, functions: Set<String>) {
        self.name = name
        self.functions = functions
        lexer = TemplateLexer(text)
        let blank = TemplateToken(kind: .eof, pos: 0, value: "", line: 0)
        token = [blank, blank, blank]
    }

    /// Parses the whole text into `trees`.
    mutating func parse() throws(TemplateParseError) {
        let root = try parseTop()
        try add(name: name, root: root)
    }

    // MARK: Token plumbing (Go's next/backup/peek)

    private mutating func next() -> TemplateToken {
        if peekCount > 0 { peekCount -= 1 } else { token[0] = lexer.next() }
        return token[peekCount]
    }

    private mutating func backup() { peekCount += 1 }

    private mutating func backup2(_ t1: TemplateToken) {
        token[1] = t1
        peekCount = 2
    }

    private mutating func backup3(_ t2: TemplateToken, _ t1: TemplateToken) {
        token[1] = t1
        token[2] = t2
        peekCount = 3
    }

    private mutating func peek() -> TemplateToken {
        if peekCount > 0 { return token[peekCount - 1] }
        peekCount = 1
        token[0] = lexer.next()
        return token[0]
    }

    private mutating func nextNonSpace() -> TemplateToken {
        while true {
            let t = next()
            if t.kind != .space { return t }
        }
    }

    private mutating func peekNonSpace() -> TemplateToken {
        let t = nextNonSpace()
        backup()
        return t
    }

    private func error(_ message: String) -> TemplateParseError {
        let line = token[0].line
        return TemplateParseError(message: "template: \(name):\(line): \(message)", line: line, reason: message)
    }

    private mutating func expect(_ kind: TemplateToken.Kind, _ context: String) throws(TemplateParseError) -> TemplateToken {
        let t = nextNonSpace()
        if t.kind != kind { throw unexpected(t, context) }
        return t
    }

    private func unexpected(_ t: TemplateToken, _ context: String) -> TemplateParseError {
        if t.kind == .error {
            var extra = ""
            if actionLine != 0 && actionLine != t.line {
                extra = " in action started at \(name):\(actionLine)"
                if t.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return error(t.value + extra)
        }
        return error("unexpected \(t.description) in \(context)")
    }

    // MARK: Templates

    /// Go's `Tree.add`: an empty definition never replaces a non-empty one; two non-empty ones clash.
    private mutating func add(name: String, root: [TemplateNode]) throws(TemplateParseError) {
        guard let existing = trees[name], !Self.isEmpty(existing) else {
            trees[name] = root
            return
        }
        if !Self.isEmpty(root) { throw error("template: multiple definition of template \(GoQuote.quote(name))") }
    }

    static func isEmpty(_ nodes: [TemplateNode]) -> Bool {
        nodes.allSatisfy { node in
            switch node {
            case .text(_, let t): return t.allSatisfy { $0.isWhitespace && $0.isASCII || $0 == "\u{85}" || $0 == "\u{A0}" }
            case .list(_, let n): return isEmpty(n)
            default: return false
            }
        }
    }

    /// parse := (text | action | define)* EOF
    private mutating func parseTop() throws(TemplateParseError) -> [TemplateNode] {
        var root: [TemplateNode] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let delim = next()
                if nextNonSpace().kind == .define {
                    try parseDefinition()
                    continue
                }
                backup2(delim)
            }
            let n = try textOrAction()
            switch n {
            case .end: throw error("unexpected {{end}}")
            case .elseMarker: throw error("unexpected {{else}}")
            case .node(let node): root.append(node)
            }
        }
        return root
    }

    /// define := "{{define" STRING "}}" itemList "{{end}}"
    private mutating func parseDefinition() throws(TemplateParseError) {
        let context = "define clause"
        let t = nextNonSpace()
        guard t.kind == .string || t.kind == .rawString else { throw unexpected(t, context) }
        guard let defName = GoStrconv.unquote(t.value) else { throw error("invalid syntax") }
        _ = try expect(.rightDelim, context)
        let (list, end) = try subTemplateBody()
        if case .elseMarker = end { throw error("unexpected {{else}} in \(context)") }
        try add(name: defName, root: list)
    }

    /// The body of `define` or `block`: Go parses it as a fresh tree, with only `$` in scope.
    private mutating func subTemplateBody() throws(TemplateParseError) -> ([TemplateNode], Item) {
        let saved = (vars, rangeDepth, actionLine)
        (vars, rangeDepth, actionLine) = (["$"], 0, 0)
        let result = try itemList()
        (vars, rangeDepth, actionLine) = saved
        return result
    }

    private enum Item { case node(TemplateNode), end(pos: Int), elseMarker }

    /// itemList := textOrAction* ending in {{end}} or {{else}}
    private mutating func itemList() throws(TemplateParseError) -> ([TemplateNode], Item) {
        var list: [TemplateNode] = []
        while peekNonSpace().kind != .eof {
            let n = try textOrAction()
            switch n {
            case .end, .elseMarker: return (list, n)
            case .node(let node): list.append(node)
            }
        }
        throw error("unexpected EOF")
    }

    private mutating func textOrAction() throws(TemplateParseError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .text: return .node(.text(pos: t.pos, text: t.value))
        case .leftDelim:
            actionLine = t.line
            defer { actionLine = 0 }
            return try action()
        default:
            throw unexpected(t, "input")
        }
    }

    /// action := control | pipeline "}}"
    private mutating func action() throws(TemplateParseError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .block: return .node(try blockControl())
        case .breakKeyword: return .node(try loopControl(t, keyword: "break"))
        case .continueKeyword: return .node(try loopControl(t, keyword: "continue"))
        case .elseKeyword: return try elseControl()
        case .end:
            let e = try expect(.rightDelim, "end")
            return .end(pos: e.pos)
        case .ifKeyword: return .node(.ifNode(try parseControl(allowElseIf: true, context: "if")))
        case .range: return .node(.rangeNode(try parseControl(allowElseIf: false, context: "range")))
        case .template: return .node(try templateControl())
        case .with: return .node(.withNode(try parseControl(allowElseIf: false, allowElseWith: true, context: "with")))
        default: break
        }
        backup()
        let first = peek()
        let pipe = try pipeline(context: "command", end: .rightDelim)
        return .node(.action(pos: first.pos, line: first.line, pipe: pipe))
    }

    private mutating func loopControl(_ t: TemplateToken, keyword: String) throws(TemplateParseError) -> TemplateNode {
        let n = nextNonSpace()
        if n.kind != .rightDelim { throw unexpected(n, "{{\(keyword)}}") }
        if rangeDepth == 0 { throw error("{{\(keyword)}} outside {{range}}") }
        return keyword == "break" ? .breakNode(pos: t.pos, line: t.line) : .continueNode(pos: t.pos, line: t.line)
    }

    /// else := "{{else}}" | "{{else" ("if" | "with") (the keyword is left for the caller)
    private mutating func elseControl() throws(TemplateParseError) -> Item {
        let p = peekNonSpace()
        if p.kind == .ifKeyword || p.kind == .with { return .elseMarker }
        _ = try expect(.rightDelim, "else")
        return .elseMarker
    }

    /// control := pipeline "}}" itemList ("{{else}}" itemList | "{{else if" control)? "{{end}}"
    ///
    /// `else with` is Go 1.23's; Go 1.19 (the corpus reference) rejects it.
    private mutating func parseControl(allowElseIf: Bool, allowElseWith: Bool = false,
                                       context: String) throws(TemplateParseError) -> TemplateBranch {
        let mark = vars.count
        depth += 1
        defer {
            vars.removeLast(vars.count - mark)
            depth -= 1
        }
        if depth > Self.maxDepth { throw error("max expression depth exceeded") }
        let pipe = try pipeline(context: context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, next) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var branch = TemplateBranch(pos: pipe.pos, line: pipe.line, pipe: pipe, list: list, elseList: nil)
        guard case .elseMarker = next else { return branch }
        if allowElseIf && peek().kind == .ifKeyword {
            _ = self.next()
            branch.elseList = [.ifNode(try parseControl(allowElseIf: true, context: "if"))]
        } else if allowElseWith && peek().kind == .with {
            _ = self.next()
            branch.elseList = [.withNode(try parseControl(allowElseIf: false, allowElseWith: true, context: "with"))]
        } else {
            let (elseList, end) = try itemList()
            if case .elseMarker = end { throw error("expected end; found {{else}}") }
            branch.elseList = elseList
        }
        return branch
    }

    /// block := "{{block" STRING pipeline "}}" itemList "{{end}}"
    private mutating func blockControl() throws(TemplateParseError) -> TemplateNode {
        let context = "block clause"
        let t = nextNonSpace()
        let blockName = try templateName(t, context)
        let pipe = try pipeline(context: context, end: .rightDelim)
        let (list, end) = try subTemplateBody()
        if case .elseMarker = end { throw error("unexpected {{else}} in \(context)") }
        try add(name: blockName, root: list)
        return .template(pos: t.pos, line: t.line, name: blockName, pipe: pipe)
    }

    /// template := "{{template" STRING pipeline? "}}"
    private mutating func templateControl() throws(TemplateParseError) -> TemplateNode {
        let context = "template clause"
        let t = nextNonSpace()
        let tname = try templateName(t, context)
        var pipe: TemplatePipe?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context: context, end: .rightDelim)
        }
        return .template(pos: t.pos, line: t.line, name: tname, pipe: pipe)
    }

    private mutating func templateName(_ t: TemplateToken, _ context: String) throws(TemplateParseError) -> String {
        guard t.kind == .string || t.kind == .rawString else { throw unexpected(t, context) }
        guard let s = GoStrconv.unquote(t.value) else { throw error("invalid syntax") }
        return s
    }

    // MARK: Pipelines

    /// pipeline := declarations? command ('|' command)*
    private mutating func pipeline(context: String, end: TemplateToken.Kind) throws(TemplateParseError) -> TemplatePipe {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw error("max expression depth exceeded") }
        let first = peekNonSpace()
        var pipe = TemplatePipe(pos: first.pos, line: first.line)
        decls: while true {
            let v = peekNonSpace()
            guard v.kind == .variable else { break decls }
            _ = next()
            let afterVariable = peek()
            let following = peekNonSpace()
            if following.kind == .assign || following.kind == .declare {
                pipe.isAssign = following.kind == .assign
                _ = nextNonSpace()
                pipe.decl.append(TemplateVariable(pos: v.pos, ident: [v.value]))
                vars.append(v.value)
            } else if following.kind == .char && following.value == "," {
                _ = nextNonSpace()
                pipe.decl.append(TemplateVariable(pos: v.pos, ident: [v.value]))
                vars.append(v.value)
                if context == "range" && pipe.decl.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue decls
                    default: throw error("range can only initialize variables")
                    }
                }
                throw error("too many declarations in \(context)")
            } else if afterVariable.kind == .space {
                backup3(v, afterVariable)
            } else {
                backup2(v)
            }
            break decls
        }
        while true {
            let t = nextNonSpace()
            switch t.kind {
            case end:
                try checkPipeline(pipe, context)
                return pipe
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nilKeyword, .rawString, .string,
                 .variable, .leftParen:
                backup()
                pipe.cmds.append(try command())
            default:
                throw unexpected(t, context)
            }
        }
    }

    private func checkPipeline(_ pipe: TemplatePipe, _ context: String) throws(TemplateParseError) {
        if pipe.cmds.isEmpty { throw error("missing value for \(context)") }
        for (i, c) in pipe.cmds.enumerated().dropFirst() {
            switch c.args.first {
            case .bool, .dot, .nilValue, .number, .string:
                throw error("non executable command in pipeline stage \(i + 1)")
            default: break
            }
        }
    }

    /// command := operand (space operand)*
    private mutating func command() throws(TemplateParseError) -> TemplateCommand {
        var cmd = TemplateCommand(pos: peekNonSpace().pos)
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let t = next()
            switch t.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(t, "operand")
            }
            break
        }
        if cmd.args.isEmpty { throw error("empty command") }
        return cmd
    }

    /// operand := term .Field*
    private mutating func operand() throws(TemplateParseError) -> TemplateArg? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        let chainPos = peek().pos
        var fields: [String] = []
        while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
        switch node {
        case .field(_, let ident):
            return .field(pos: chainPos, ident: ident + fields)
        case .variable(let v):
            return .variable(TemplateVariable(pos: chainPos, ident: v.ident + fields))
        case .bool, .string, .number, .nilValue, .dot:
            throw error("unexpected . after term \(GoQuote.quote(node.description))")
        default:
            return .chain(pos: chainPos, node: node, fields: fields)
        }
    }

    /// term := literal | function | '.' | nil | $var | .Field | '(' pipeline ')'
    private mutating func term() throws(TemplateParseError) -> TemplateArg? {
        let t = nextNonSpace()
        switch t.kind {
        case .identifier:
            if !functions.contains(t.value) { throw error("function \(GoQuote.quote(t.value)) not defined") }
            return .identifier(pos: t.pos, name: t.value)
        case .dot: return .dot(pos: t.pos)
        case .nilKeyword: return .nilValue(pos: t.pos)
        case .variable:
            let v = TemplateVariable(pos: t.pos, ident: t.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
            guard vars.contains(v.ident[0]) else { throw error("undefined variable \(GoQuote.quote(v.ident[0]))") }
            return .variable(v)
        case .field:
            return .field(pos: t.pos, ident: t.value.split(separator: ".").map(String.init))
        case .bool: return .bool(pos: t.pos, value: t.value == "true")
        case .charConstant, .complex, .number:
            switch GoStrconv.number(t.value, isChar: t.kind == .charConstant, isComplex: t.kind == .complex) {
            case .number(var n):
                n.pos = t.pos
                return .number(n)
            case .invalid(let message):
                throw error(message)
            }
        case .leftParen:
            return .pipe(try pipeline(context: "parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            guard let s = GoStrconv.unquote(t.value) else { throw error("invalid syntax") }
            return .string(pos: t.pos, quoted: t.value, text: s)
        default:
            backup()
            return nil
        }
    }
}
