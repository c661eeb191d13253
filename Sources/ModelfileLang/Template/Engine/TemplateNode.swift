/// The parse tree of a Go template. Every node keeps its byte offset (`pos`) into the template
/// text so execution errors can report `NAME:LINE:COL` exactly as Go does. `description`
/// prints the node the way Go's `String()` does (used in `executing "x" at <...>`).
indirect enum TemplateNode: Sendable, Hashable {
    case text(pos: Int, text: String)
    case action(pos: Int, line: Int, pipe: TemplatePipe)
    case ifNode(TemplateBranch)
    case rangeNode(TemplateBranch)
    case withNode(TemplateBranch)
    case template(pos: Int, line: Int, name: String, pipe: TemplatePipe?)
    case breakNode(pos: Int, line: Int)
    case continueNode(pos: Int, line: Int)
    case list(pos: Int, nodes: [TemplateNode])

    var pos: Int {
        switch self {
        case .text(let p, _), .action(let p, _, _), .template(let p, _, _, _), .breakNode(let p, _),
             .continueNode(let p, _), .list(let p, _): return p
        case .ifNode(let b), .rangeNode(let b), .withNode(let b): return b.pos
        }
    }

    var description: String {
        switch self {
        case .text(_, let t): return t
        case .action(_, _, let p): return "{{" + p.description + "}}"
        case .ifNode(let b): return b.description(keyword: "if")
        case .rangeNode(let b): return b.description(keyword: "range")
        case .withNode(let b): return b.description(keyword: "with")
        case .template(_, _, let name, let pipe):
            return "{{template " + GoQuote.quote(name) + (pipe.map { " " + $0.description } ?? "") + "}}"
        case .breakNode: return "{{break}}"
        case .continueNode: return "{{continue}}"
        case .list(_, let nodes): return nodes.map(\.description).joined()
        }
    }
}

/// `if`, `range` and `with`: a pipeline, a body and an optional else body.
struct TemplateBranch: Sendable, Hashable {
    var pos: Int
    var line: Int
    var pipe: TemplatePipe
    var list: [TemplateNode]
    var elseList: [TemplateNode]?

    func description(keyword: String) -> String {
        var s = "{{" + keyword + " " + pipe.description + "}}" + list.map(\.description).joined()
        if let e = elseList { s += "{{else}}" + e.map(\.description).joined() }
        return s + "{{end}}"
    }
}

/// `$x, $y := cmd | cmd`.
struct TemplatePipe: Sendable, Hashable {
    var pos: Int
    var line: Int
    var isAssign = false
    var decl: [TemplateVariable] = []
    var cmds: [TemplateCommand] = []

    var description: String {
        var s = ""
        if !decl.isEmpty {
            s = decl.map(\.description).joined(separator: ", ") + " := "
        }
        return s + cmds.map(\.description).joined(separator: " | ")
    }
}

struct TemplateVariable: Sendable, Hashable {
    var pos: Int
    var ident: [String]   // "$x", then field names
    var description: String { ident.joined(separator: ".") }
}

struct TemplateCommand: Sendable, Hashable {
    var pos: Int
    var args: [TemplateArg] = []
    var description: String {
        args.map { arg in
            if case .pipe(let p) = arg { return "(" + p.description + ")" }
            return arg.description
        }.joined(separator: " ")
    }
}

/// Operands of a command.
indirect enum TemplateArg: Sendable, Hashable {
    case field(pos: Int, ident: [String])
    case chain(pos: Int, node: TemplateArg, fields: [String])
    case identifier(pos: Int, name: String)
    case variable(TemplateVariable)
    case dot(pos: Int)
    case nilValue(pos: Int)
    case bool(pos: Int, value: Bool)
    case number(TemplateNumber)
    case string(pos: Int, quoted: String, text: String)
    case pipe(TemplatePipe)

    var pos: Int {
        switch self {
        case .field(let p, _), .chain(let p, _, _), .identifier(let p, _), .dot(let p), .nilValue(let p),
             .bool(let p, _), .string(let p, _, _): return p
        case .variable(let v): return v.pos
        case .number(let n): return n.pos
        case .pipe(let p): return p.pos
        }
    }

    var description: String {
        switch self {
        case .field(_, let ident): return ident.map { "." + $0 }.joined()
        case .chain(_, let node, let fields):
            let inner: String
            if case .pipe(let p) = node { inner = "(" + p.description + ")" } else { inner = node.description }
            return inner + fields.map { "." + $0 }.joined()
        case .identifier(_, let name): return name
        case .variable(let v): return v.description
        case .dot: return "."
        case .nilValue: return "nil"
        case .bool(_, let v): return v ? "true" : "false"
        case .number(let n): return n.text
        case .string(_, let quoted, _): return quoted
        case .pipe(let p): return p.description
        }
    }
}

/// A numeric constant with Go's interpretations (a constant can be int, uint and float at once).
struct TemplateNumber: Sendable, Hashable {
    var pos: Int
    var text: String
    var isInt = false, isUint = false, isFloat = false, isComplex = false
    var int64: Int64 = 0
    var uint64: UInt64 = 0
    var float64: Double = 0
    var complex: (real: Double, imaginary: Double) = (0, 0)

    static func == (a: TemplateNumber, b: TemplateNumber) -> Bool { a.pos == b.pos && a.text == b.text }

    /// Go's `simplifyComplex`: a complex constant with no imaginary part is also a float (and an
    /// integer when whole), so it can be passed where those are expected; it stays complex.
    mutating func simplifyComplex(_ re: Double, _ im: Double) {
        complex = (re, im)
        isFloat = im == 0
        guard isFloat else { return }
        float64 = re
        if re.rounded(.towardZero) == re, re >= -9.223372036854775808e18, re < 9.223372036854775808e18 {
            isInt = true
            int64 = Int64(re)
        }
        if re.rounded(.towardZero) == re, re >= 0, re < 1.8446744073709551616e19 {
            isUint = true
            uint64 = UInt64(re)
        }
    }
    func hash(into h: inout Hasher) { h.combine(pos); h.combine(text) }
}
