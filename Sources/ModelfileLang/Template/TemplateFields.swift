/// Which fields and variables a template reads: Ollama's `Vars` (used to pick the rendering
/// mode and capabilities) and the static checks `mfc lint` runs on a TEMPLATE.
public enum TemplateFields {
    /// Ollama's `Template.Vars()`: identifiers of field and variable nodes in actions, in the
    /// pipelines of if/range/with/template, and in their bodies, over every defined template;
    /// lower-cased, sorted, unique.
    /// - Throws: "undefined template specified" for a `{{ template "x" }}` without an argument.
    public static func identifiers(_ t: Template) throws(TemplateParseError) -> [String] {
        var names = Set<String>()
        for tree in t.trees.values {
            for n in tree { try collect(n, into: &names) }
        }
        return names.sorted()
    }

    private static func undefinedTemplate() -> TemplateParseError {
        TemplateParseError(message: "undefined template specified", line: 0, reason: "undefined template specified")
    }

    static func collect(_ node: TemplateNode, into names: inout Set<String>) throws(TemplateParseError) {
        switch node {
        case .list(_, let nodes):
            for n in nodes { try collect(n, into: &names) }
        case .template(_, _, _, let pipe):
            guard let pipe else { throw undefinedTemplate() }
            collect(pipe, into: &names)
        case .action(_, _, let pipe):
            collect(pipe, into: &names)
        case .ifNode(let b), .withNode(let b), .rangeNode(let b):
            collect(b.pipe, into: &names)
            for n in b.list { try collect(n, into: &names) }
            for n in b.elseList ?? [] { try collect(n, into: &names) }
        default:
            break
        }
    }

    static func collect(_ pipe: TemplatePipe, into names: inout Set<String>) {
        for c in pipe.cmds {
            for a in c.args {
                switch a {
                case .field(_, let ident): names.formUnion(ident.map { $0.lowercased() })
                case .variable(let v): names.formUnion(v.ident.map { $0.lowercased() })
                case .pipe(let p): collect(p, into: &names)
                default: break
                }
            }
        }
    }
}
