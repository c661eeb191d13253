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

extension TemplateFields {
    /// The reader the lint rules use (MF2001, MF2002): the top-level fields a TEMPLATE reads.
    public static var defaultReader: (@Sendable (String) -> Set<String>?)? {
        { text in topLevelFields(text) }
    }

    /// The fields a template reads from the top-level data (`.System`, `$.Messages`, ...): field
    /// chains evaluated where dot is still the data (outside range/with bodies) and every `$.X`.
    /// Returns nil when the template does not parse.
    public static func topLevelFields(_ text: String) -> Set<String>? {
        guard let t = try? Template.parse(text, options: .ollama) else { return nil }
        var names = Set<String>()
        for n in t.trees[t.name] ?? [] { collectTop(n, dotIsRoot: true, into: &names) }
        for (name, tree) in t.trees where name != t.name {
            for n in tree { collectTop(n, dotIsRoot: false, into: &names) }
        }
        return names
    }

    private static func collectTop(_ node: TemplateNode, dotIsRoot: Bool, into names: inout Set<String>) {
        switch node {
        case .action(_, _, let pipe):
            collectTop(pipe, dotIsRoot: dotIsRoot, into: &names)
        case .template(_, _, _, let pipe):
            if let pipe { collectTop(pipe, dotIsRoot: dotIsRoot, into: &names) }
        case .ifNode(let b):
            collectTop(b.pipe, dotIsRoot: dotIsRoot, into: &names)
            for n in b.list + (b.elseList ?? []) { collectTop(n, dotIsRoot: dotIsRoot, into: &names) }
        case .withNode(let b), .rangeNode(let b):
            collectTop(b.pipe, dotIsRoot: dotIsRoot, into: &names)
            for n in b.list { collectTop(n, dotIsRoot: false, into: &names) }
            for n in b.elseList ?? [] { collectTop(n, dotIsRoot: dotIsRoot, into: &names) }
        case .list(_, let nodes):
            for n in nodes { collectTop(n, dotIsRoot: dotIsRoot, into: &names) }
        default:
            break
        }
    }

    private static func collectTop(_ pipe: TemplatePipe, dotIsRoot: Bool, into names: inout Set<String>) {
        for c in pipe.cmds {
            for a in c.args {
                switch a {
                case .field(_, let ident) where dotIsRoot: if let f = ident.first { names.insert(f) }
                case .variable(let v) where v.ident.first == "$" && v.ident.count > 1: names.insert(v.ident[1])
                case .pipe(let p): collectTop(p, dotIsRoot: dotIsRoot, into: &names)
                case .chain(_, .pipe(let p), _): collectTop(p, dotIsRoot: dotIsRoot, into: &names)
                default: break
                }
            }
        }
    }
}
