/// Static checks of a TEMPLATE against Ollama's data model: field chains that do not exist
/// (`.Promt`, `.Messages.Role`, `.Content` outside a messages loop) and fields that are always
/// empty in the mode the template renders in (`.Prompt` in messages mode).
public enum TemplateDataCheck {
    /// One finding: a byte range in the template text and a message.
    public struct Finding: Sendable, Hashable {
        public var start: Int
        public var length: Int
        public var message: String
    }

    /// The shapes of Ollama's template data.
    indirect enum Shape: Equatable {
        case root, message, toolCall, toolCallFunction, tool, toolFunction, toolParameters, property, propertyMap
        case list(Shape)
        case scalar(String)   // Go type name, for the message
        case any              // unknown or free-form: anything goes

        var goName: String {
            switch self {
            case .root: return "map[string]interface {}"
            case .message: return "*template.templateMessage"
            case .toolCall: return "template.templateToolCall"
            case .toolCallFunction: return "template.templateToolCallFunction"
            case .tool: return "template.templateTool"
            case .toolFunction: return "template.templateToolFunction"
            case .toolParameters: return "template.templateToolFunctionParameters"
            case .property: return "api.ToolProperty"
            case .propertyMap: return "template.templateProperties"
            case .list(let e): return "[]" + e.goName
            case .scalar(let t): return t
            case .any: return "interface {}"
            }
        }

        var fields: [String: Shape]? {
            switch self {
            case .root:
                return ["System": .scalar("string"), "Prompt": .scalar("string"), "Response": .scalar("string"),
                        "Suffix": .scalar("string"), "Messages": .list(.message), "Tools": .list(.tool),
                        "Think": .scalar("bool"), "ThinkLevel": .scalar("string"), "IsThinkSet": .scalar("bool")]
            case .message:
                return ["Role": .scalar("string"), "Content": .scalar("string"), "Thinking": .scalar("string"),
                        "Images": .list(.scalar("api.ImageData")), "ToolCalls": .list(.toolCall),
                        "ToolName": .scalar("string"), "ToolCallID": .scalar("string")]
            case .toolCall: return ["ID": .scalar("string"), "Function": .toolCallFunction]
            case .toolCallFunction: return ["Index": .scalar("int"), "Name": .scalar("string"), "Arguments": .any]
            case .tool: return ["Type": .scalar("string"), "Items": .any, "Function": .toolFunction, "String": .scalar("string")]
            case .toolFunction:
                return ["Name": .scalar("string"), "Description": .scalar("string"), "Parameters": .toolParameters]
            case .toolParameters:
                return ["Type": .scalar("string"), "Defs": .any, "Items": .any, "Required": .list(.scalar("string")),
                        "Properties": .propertyMap]
            case .property:
                return ["AnyOf": .list(.property), "Type": .scalar("api.PropertyType"), "Items": .any,
                        "Description": .scalar("string"), "Enum": .list(.any), "Properties": .propertyMap,
                        "Required": .list(.scalar("string"))]
            case .list(.tool): return ["String": .scalar("string")]
            case .list, .scalar: return [:]
            case .propertyMap, .any: return nil   // any key
            }
        }

        /// What ranging over a value of this shape binds dot to.
        var element: Shape {
            switch self {
            case .list(let e): return e
            case .propertyMap: return .property
            default: return .any
            }
        }
    }

    /// Checks every field chain of a template Ollama would render.
    public static func check(_ t: PromptTemplate) -> [Finding] {
        var c = Checker(messagesMode: t.vars.contains("messages"), readsSuffix: t.vars.contains("suffix"))
        let tpl = t.template
        c.vars = [("$", .root)]
        for n in tpl.trees[tpl.name] ?? [] { c.walk(n, dot: .root) }
        for (name, tree) in tpl.trees where name != tpl.name {
            c.vars = [("$", .any)]
            for n in tree { c.walk(n, dot: .any) }
        }
        return c.findings
    }

    struct Checker {
        let messagesMode: Bool
        let readsSuffix: Bool
        var findings: [Finding] = []
        var vars: [(String, Shape)] = []

        mutating func walk(_ node: TemplateNode, dot: Shape) {
            switch node {
            case .action(_, _, let pipe):
                _ = pipeline(pipe, dot: dot)
            case .template(_, _, _, let pipe):
                if let pipe { _ = pipeline(pipe, dot: dot) }
            case .ifNode(let b):
                let mark = vars.count
                _ = pipeline(b.pipe, dot: dot)
                for n in b.list + (b.elseList ?? []) { walk(n, dot: dot) }
                vars.removeLast(vars.count - mark)
            case .withNode(let b):
                let mark = vars.count
                let s = pipeline(b.pipe, dot: dot)
                for n in b.list { walk(n, dot: s) }
                for n in b.elseList ?? [] { walk(n, dot: dot) }
                vars.removeLast(vars.count - mark)
            case .rangeNode(let b):
                let mark = vars.count
                let s = pipeline(b.pipe, dot: dot, ranging: true)
                for n in b.list { walk(n, dot: s.element) }
                for n in b.elseList ?? [] { walk(n, dot: dot) }
                vars.removeLast(vars.count - mark)
            case .list(_, let nodes):
                for n in nodes { walk(n, dot: dot) }
            default:
                break
            }
        }

        mutating func pipeline(_ pipe: TemplatePipe, dot: Shape, ranging: Bool = false) -> Shape {
            var result = Shape.any
            for (i, c) in pipe.cmds.enumerated() {
                result = command(c, dot: dot, piped: i > 0)
            }
            if ranging && pipe.decl.count == 2 {
                vars.append((pipe.decl[0].ident[0], .scalar("int")))
                vars.append((pipe.decl[1].ident[0], result.element))
            } else if ranging && pipe.decl.count == 1 {
                vars.append((pipe.decl[0].ident[0], result.element))
            } else if !pipe.isAssign {
                for d in pipe.decl { vars.append((d.ident[0], result)) }
            }
            return result
        }

        mutating func command(_ c: TemplateCommand, dot: Shape, piped: Bool) -> Shape {
            var shapes: [Shape] = []
            for a in c.args { shapes.append(arg(a, dot: dot)) }
            guard case .identifier(_, let name)? = c.args.first else { return shapes.first ?? .any }
            switch name {
            case "index": return shapes.count >= 3 ? shapes[1].element : .any
            case "slice": return shapes.count >= 2 ? shapes[1] : .any
            default: return .any
            }
        }

        mutating func arg(_ a: TemplateArg, dot: Shape) -> Shape {
            switch a {
            case .field(let pos, let ident):
                return chain(dot, ident, pos: pos, text: ident.map { "." + $0 }.joined())
            case .variable(let v):
                let base = vars.last { $0.0 == v.ident[0] }?.1 ?? .any
                return chain(base, Array(v.ident.dropFirst()), pos: v.pos, text: v.description)
            case .pipe(let p):
                return pipeline(p, dot: dot)
            case .chain(_, let inner, _):
                _ = arg(inner, dot: dot)
                return .any
            case .dot:
                return dot
            default:
                return .any
            }
        }

        mutating func chain(_ base: Shape, _ ident: [String], pos: Int, text: String) -> Shape {
            var shape = base
            for name in ident {
                guard let fields = shape.fields else { return .any }
                guard let next = fields[name] else {
                    findings.append(Finding(start: pos, length: text.utf8.count, message: unknownField(name, in: shape)))
                    return .any
                }
                if shape == .root && messagesMode && !readsSuffix && (name == "Prompt" || name == "Suffix") {
                    findings.append(Finding(start: pos, length: text.utf8.count, message:
                        "'.\(name)' is never set for this template: it reads .Messages, so Ollama renders it in messages mode and '.\(name)' prints <no value>"))
                }
                shape = next
            }
            return shape
        }

        func unknownField(_ name: String, in shape: Shape) -> String {
            switch shape {
            case .list(let e):
                let hint = e.fields?[name] != nil ? "; use {{ range }} or {{ index ... }} to reach an element" : ""
                return "can't evaluate field \(name) in type \(shape.goName)\(hint)"
            case .scalar:
                return "can't evaluate field \(name) in type \(shape.goName)"
            default:
                let known = (shape.fields ?? [:]).keys.filter { $0 != "String" }.sorted()
                let hint = EditDistance.closest(to: name, in: known).map { " (did you mean '.\($0)'?)" } ?? ""
                let where_ = shape == .root ? "Ollama's template data" : shape.goName
                return "'\(name)' is not a field of \(where_)\(hint)"
            }
        }
    }
}
