/// A value as Go's executor holds it (`reflect.Value`): missing (`invalid`), or a value that may
/// be boxed in an `interface {}` (elements of JSON maps and lists are). Boxing matters: a boxed
/// nil is "nil pointer evaluating interface {}.X", an unboxed one is simply missing.
enum Reflected: Sendable, Equatable {
    case invalid
    case value(TemplateValue, boxed: Bool)

    static func plain(_ v: TemplateValue) -> Reflected { .value(v, boxed: false) }

    /// Go's `indirectInterface`: look inside an interface; a nil interface becomes invalid.
    var unboxed: Reflected {
        if case .value(let v, true) = self { return v == .null ? .invalid : .value(v, boxed: false) }
        return self
    }

    var templateValue: TemplateValue? {
        if case .value(let v, _) = self { return v }
        return nil
    }

    /// Go's `reflect.Value.Type().String()`.
    var goType: String {
        switch self {
        case .invalid: return "<invalid reflect.Value>"
        case .value(_, true): return "interface {}"
        case .value(let v, false): return v.goType
        }
    }
}

/// A template execution error, worded as Go words it:
/// `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`.
public struct TemplateExecError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// 1-based line and 0-based byte column as Go reports them (nil when Go gives no position).
    public var line: Int?
    public var column: Int?
    /// The message after Go's location prefix.
    public var reason: String
    public var description: String { message }
}

/// The node an error is reported at (Go's `state.at`).
enum ErrorSite {
    case none
    case node(TemplateNode)
    case pipe(TemplatePipe)
    case command(TemplateCommand)
    case arg(TemplateArg)

    var pos: Int {
        switch self {
        case .none: return 0
        case .node(let n): return n.pos
        case .pipe(let p): return p.pos
        case .command(let c): return c.pos
        case .arg(let a): return a.pos
        }
    }

    var description: String {
        switch self {
        case .none: return ""
        case .node(let n): return n.description
        case .pipe(let p): return p.description
        case .command(let c): return c.description
        case .arg(let a): return a.description
        }
    }
}

/// Runs a parsed template: Go's `exec.go` walk with the same evaluation order, the same
/// points where the error position moves (`at`), and the same errors. A class: one run's
/// mutable state, never copied (copying it per call was the main cost in the benchmark).
final class Executor {
    enum Control { case normal, breakLoop, continueLoop }

    let template: Template
    var templateName: String
    var output: [UInt8] = []
    var site = ErrorSite.none
    var vars: [(name: String, value: Reflected)] = []
    var depth = 0
    /// Go allows 100000 nested template calls; a thread's stack does not, so we stop earlier.
    static let maxDepth = 200
    let limits: TemplateLimits
    var steps = 0
    /// Bytes written plus bytes of strings built by functions.
    var bytesBuilt = 0

    init(template: Template, name: String, limits: TemplateLimits) {
        self.template = template
        self.templateName = name
        self.limits = limits
    }

    // MARK: Budget

    /// Counts one execution step; throws once the budget is spent.
    @inline(__always)
    func step() throws(TemplateExecError) {
        steps += 1
        if steps > limits.maxSteps {
            throw fail("rendering stopped: the template ran more than \(limits.maxSteps) steps (the step budget)")
        }
    }

    /// Counts `n` bytes written or built; throws once the budget is spent.
    @inline(__always)
    func charge(bytes n: Int) throws(TemplateExecError) {
        bytesBuilt += n
        if bytesBuilt > limits.maxOutputBytes {
            throw fail("rendering stopped: the template produced more than \(limits.maxOutputBytes) bytes (the output budget)")
        }
    }

    func write(_ text: String) throws(TemplateExecError) {
        try charge(bytes: text.utf8.count)
        if GoBytes.hasMarkers(text) { output += GoBytes.bytes(text) } else { output.append(contentsOf: text.utf8) }
    }

    // MARK: Errors

    func fail(_ reason: String) -> TemplateExecError {
        if case .none = site {
            return TemplateExecError(message: "template: \(templateName): \(reason)", line: nil, column: nil, reason: reason)
        }
        let (line, col) = template.lineColumn(ofByte: site.pos)
        let message = "template: \(template.name):\(line):\(col): executing \(GoQuote.quote(templateName)) at <\(site.description)>: \(reason)"
        return TemplateExecError(message: message, line: line, column: col, reason: reason)
    }

    func at(_ s: ErrorSite) { site = s }

    // MARK: Variables

    func variable(_ name: String) throws(TemplateExecError) -> Reflected {
        for v in vars.reversed() where v.name == name { return v.value }
        throw fail("undefined variable: \(name)")
    }

    func setVariable(_ name: String, _ value: Reflected) throws(TemplateExecError) {
        for i in stride(from: vars.count - 1, through: 0, by: -1) where vars[i].name == name {
            vars[i].value = value
            return
        }
        throw fail("undefined variable: \(name)")
    }

    // MARK: Walking

    func walk(_ dot: Reflected, _ nodes: [TemplateNode]) throws(TemplateExecError) -> Control {
        for node in nodes {
            let c = try walk(dot, node)
            if c != .normal { return c }
        }
        return .normal
    }

    func walk(_ dot: Reflected, _ node: TemplateNode) throws(TemplateExecError) -> Control {
        at(.node(node))
        try step()
        switch node {
        case .text(_, let text):
            try write(text)
        case .action(_, _, let pipe):
            let v = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty { try printValue(node, v) }
        case .breakNode:
            return .breakLoop
        case .continueNode:
            return .continueLoop
        case .ifNode(let b):
            return try walkIfOrWith(isWith: false, dot, b)
        case .withNode(let b):
            return try walkIfOrWith(isWith: true, dot, b)
        case .rangeNode(let b):
            try walkRange(dot, b, node)
        case .template(_, _, let name, let pipe):
            try walkTemplate(dot, name: name, pipe: pipe)
        case .list(_, let nodes):
            return try walk(dot, nodes)
        }
        return .normal
    }

    func walkIfOrWith(isWith: Bool, _ dot: Reflected, _ b: TemplateBranch) throws(TemplateExecError) -> Control {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let val = try evalPipeline(dot, b.pipe)
        let truth = Builtins.isTrue(val.unboxed)
        if truth {
            return try walk(isWith ? val : dot, b.list)
        } else if let e = b.elseList {
            return try walk(dot, e)
        }
        return .normal
    }

    func walkRange(_ dot: Reflected, _ b: TemplateBranch, _ node: TemplateNode) throws(TemplateExecError) {
        at(.node(node))
        let outer = vars.count
        defer { vars.removeLast(vars.count - outer) }
        let val = try evalPipeline(dot, b.pipe)
        let mark = vars.count
        // Returns false on {{break}}.
        func iteration(_ s: Executor, index: Reflected, elem: Reflected) throws(TemplateExecError) -> Bool {
            try s.step()
            if !b.pipe.decl.isEmpty { s.vars[s.vars.count - 1].value = elem }
            if b.pipe.decl.count > 1 { s.vars[s.vars.count - 2].value = index }
            defer { s.vars.removeLast(s.vars.count - mark) }
            return try s.walk(elem, b.list) != .breakLoop
        }
        let target = val.unboxed
        switch target {
        case .value(.list(let l), _):
            if !l.items.isEmpty {
                for (i, e) in l.items.enumerated() {
                    if try !iteration(self, index: .plain(.int(i)), elem: .value(e, boxed: l.boxesElements)) { break }
                }
                return
            }
        case .value(.map(let m), _):
            if !m.entries.isEmpty {
                for k in m.sortedKeys {
                    let e = Reflected.value(m.entries[k] ?? .null, boxed: m.boxesElements)
                    if try !iteration(self, index: .plain(.string(k)), elem: e) { break }
                }
                return
            }
        case .value(.int(let n), _):
            // Go 1.22 ranges over an integer (Go 1.19 rejects it).
            if b.pipe.decl.count > 1 { throw fail("can't use \(n) to iterate over more than one variable") }
            if n > 0 {
                for i in 0..<n {
                    if try !iteration(self, index: .plain(.int(i)), elem: .plain(.int(i))) { break }
                }
                return
            }
        case .invalid:
            break
        case .value(let v, _):
            throw fail("range can't iterate over \(GoPrinter.print(v))")
        }
        if let e = b.elseList { _ = try walk(dot, e) }
    }

    func walkTemplate(_ dot: Reflected, name: String, pipe: TemplatePipe?) throws(TemplateExecError) {
        guard let tree = template.trees[name] else { throw fail("template \(GoQuote.quote(name)) not defined") }
        if depth >= Self.maxDepth { throw fail("exceeded maximum template depth (\(Self.maxDepth))") }
        let newDot = try evalPipeline(dot, pipe)
        let savedVars = vars, savedName = templateName
        vars = [("$", newDot)]
        templateName = name
        depth += 1
        defer {
            depth -= 1
            vars = savedVars
            templateName = savedName
        }
        _ = try walk(newDot, tree)
    }

    // MARK: Pipelines and commands

    func evalPipeline(_ dot: Reflected, _ pipe: TemplatePipe?) throws(TemplateExecError) -> Reflected {
        guard let pipe else { return .invalid }
        at(.pipe(pipe))
        var value: Reflected? = nil   // nil is Go's missingVal: no previous command
        for cmd in pipe.cmds {
            value = try evalCommand(dot, cmd, final: value).unboxed
        }
        let result = value ?? .invalid
        for v in pipe.decl {
            if pipe.isAssign {
                try setVariable(v.ident[0], result)
            } else {
                vars.append((v.ident[0], result))
            }
        }
        return result
    }

    func notAFunction(_ args: [TemplateArg], _ final: Reflected?) throws(TemplateExecError) {
        if args.count > 1 || final != nil {
            throw fail("can't give argument to non-function \(args[0].description)")
        }
    }

    func evalCommand(_ dot: Reflected, _ cmd: TemplateCommand, final: Reflected?) throws(TemplateExecError) -> Reflected {
        try step()
        let first = cmd.args[0]
        switch first {
        case .field(_, let ident):
            at(.arg(first))
            return try evalFieldChain(dot, dot, first, ident, args: cmd.args, final: final)
        case .chain:
            return try evalChain(dot, first, args: cmd.args, final: final)
        case .identifier(_, let name):
            return try evalFunction(dot, first, name: name, cmd: .command(cmd), args: cmd.args, final: final)
        case .pipe(let p):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, p)
        case .variable(let v):
            return try evalVariable(dot, v, args: cmd.args, final: final)
        default:
            break
        }
        at(.arg(first))
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let b): return .plain(.bool(b))
        case .dot: return dot
        case .nilValue: throw fail("nil is not a command")
        case .number(let n): return try idealConstant(n, first)
        case .string(_, _, let text): return .plain(.string(text))
        default: throw fail("can't evaluate command \(GoQuote.quote(first.description))")
        }
    }

    func idealConstant(_ n: TemplateNumber, _ node: TemplateArg) throws(TemplateExecError) -> Reflected {
        at(.arg(node))
        let text = n.text
        let isHexInt = text.count > 2 && text.hasPrefix("0") && (text.dropFirst().first == "x" || text.dropFirst().first == "X")
            && !text.contains(where: { $0 == "p" || $0 == "P" })
        let isRuneInt = text.hasPrefix("'")
        if n.isComplex { return .plain(.complex(real: n.complex.real, imaginary: n.complex.imaginary)) }
        if n.isFloat && !isHexInt && !isRuneInt && text.contains(where: { ".eEpP".contains($0) }) {
            return .plain(.float(n.float64))
        }
        if n.isInt { return .plain(.int(Int(n.int64))) }
        if n.isUint { throw fail("\(text) overflows int") }
        return .invalid
    }

    func evalChain(_ dot: Reflected, _ chain: TemplateArg, args: [TemplateArg], final: Reflected?) throws(TemplateExecError) -> Reflected {
        guard case .chain(_, let inner, let fields) = chain else { return .invalid }
        at(.arg(chain))
        if case .nilValue = inner { throw fail("indirection through explicit nil in \(chain.description)") }
        let receiver = try evalArg(dot, .reflectValue, inner)
        return try evalFieldChain(dot, receiver, chain, fields, args: args, final: final)
    }

    func evalVariable(_ dot: Reflected, _ v: TemplateVariable, args: [TemplateArg], final: Reflected?) throws(TemplateExecError) -> Reflected {
        at(.arg(.variable(v)))
        let value = try variable(v.ident[0])
        if v.ident.count == 1 {
            try notAFunction(args, final)
            return value
        }
        return try evalFieldChain(dot, value, .variable(v), Array(v.ident.dropFirst()), args: args, final: final)
    }

    func evalFieldChain(_ dot: Reflected, _ receiver: Reflected, _ node: TemplateArg, _ ident: [String],
                                 args: [TemplateArg], final: Reflected?) throws(TemplateExecError) -> Reflected {
        var r = receiver
        for name in ident.dropLast() {
            r = try evalField(name, node, args: [], final: nil, receiver: r)
        }
        return try evalField(ident[ident.count - 1], node, args: args, final: final, receiver: r)
    }

    func evalField(_ name: String, _ node: TemplateArg, args: [TemplateArg], final: Reflected?,
                   receiver: Reflected) throws(TemplateExecError) -> Reflected {
        guard case .value(let v, let boxed) = receiver else {
            return .invalid   // missingkey=zero and default both give "no value" here
        }
        let typ = receiver.goType
        if boxed && v == .null { throw fail("nil pointer evaluating \(typ).\(name)") }
        let hasArgs = args.count > 1 || final != nil
        if name == "String", GoJSON.stringerText(v) != nil {
            // Ollama's template types have a String() method; calling it takes no arguments.
            let n = args.count > 1 ? args.count - 1 : 0
            if n + (final == nil ? 0 : 1) != 0 { throw fail("wrong number of args for String: want 0 got \(n + (final == nil ? 0 : 1))") }
            return .plain(.string(GoJSON.stringerText(v) ?? ""))
        }
        switch v {
        case .record(let r):
            if let f = r.field(name) {
                if hasArgs { throw fail("\(name) has arguments but cannot be invoked as function") }
                return .value(f.value, boxed: f.goType == "interface {}")
            }
        case .map(let m):
            if hasArgs { throw fail("\(name) is not a method but has arguments") }
            if let e = m.entries[name] { return .value(e, boxed: m.boxesElements) }
            if template.options.missingKeyZero { return .value(Builtins.zeroValue(ofType: m.elementType), boxed: m.boxesElements) }
            return .invalid
        default:
            break
        }
        throw fail("can't evaluate field \(name) in type \(typ)")
    }

    // MARK: Functions

    func evalFunction(_ dot: Reflected, _ node: TemplateArg, name: String, cmd: ErrorSite,
                               args: [TemplateArg], final: Reflected?) throws(TemplateExecError) -> Reflected {
        at(.arg(node))
        guard let fn = template.function(named: name) else { throw fail("\(GoQuote.quote(name)) is not a defined function") }
        let argCount = max(args.count - 1, 0)   // args[0] is the function's own name
        let numIn = argCount + (final == nil ? 0 : 1)
        let sig = fn.signature
        if sig.variadic != nil {
            if numIn < sig.fixed.count {
                throw fail("wrong number of args for \(name): want at least \(sig.fixed.count) got \(argCount)")
            }
        } else if numIn != sig.fixed.count {
            throw fail("wrong number of args for \(name): want \(sig.fixed.count) got \(numIn)")
        }
        if fn.isBuiltin && (name == "and" || name == "or") {
            var v = Reflected.invalid
            for k in stride(from: 1, to: args.count, by: 1) {
                v = try evalArg(dot, .reflectValue, args[k])
                if Builtins.isTrue(v.unboxed) == (name == "or") { return v }
            }
            if let final { v = try validate(final, .reflectValue) }
            return v
        }
        var argv: [Reflected] = []
        argv.reserveCapacity(numIn)
        for k in stride(from: 1, to: args.count, by: 1) {
            let i = k - 1
            let t = i < sig.fixed.count ? sig.fixed[i] : (sig.variadic ?? .any)
            argv.append(try evalArg(dot, t, args[k]))
        }
        if let final {
            let t: ArgType
            if let variadic = sig.variadic {
                t = numIn - 1 < sig.fixed.count ? sig.fixed[numIn - 1] : variadic
            } else {
                t = sig.fixed[sig.fixed.count - 1]
            }
            argv.append(try validate(final, t))
        }
        switch fn.call(argv, template.options) {
        case .success(let v):
            if case .value(.string(let text), let boxed) = v {
                try charge(bytes: text.utf8.count)
                if GoBytes.hasMarkers(text) { return .value(.string(GoBytes.normalized(text)), boxed: boxed) }
            }
            return v
        case .failure(let e):
            at(cmd)
            throw fail("error calling \(name): \(e.message)")
        }
    }

    /// Go's `validateType` for the parameter kinds builtins use.
    func validate(_ value: Reflected, _ type: ArgType) throws(TemplateExecError) -> Reflected {
        switch type {
        case .reflectValue:
            return value
        case .any:
            if case .invalid = value { return .value(.null, boxed: true) }
            return value
        case .string:
            switch value {
            case .invalid: throw fail("invalid value; expected string")
            case .value(.string, _): return value.unboxed
            case .value(let v, let boxed):
                if boxed && v == .null { throw fail("wrong type for value; expected string; got interface {}") }
                throw fail("wrong type for value; expected string; got \(v.goType)")
            }
        }
    }

    /// Go's `evalArg`: evaluates one argument for a parameter of the given type.
    func evalArg(_ dot: Reflected, _ type: ArgType, _ node: TemplateArg) throws(TemplateExecError) -> Reflected {
        at(.arg(node))
        switch node {
        case .dot:
            return try validate(dot, type)
        case .nilValue:
            switch type {
            case .reflectValue: return .invalid
            case .any: return .value(.null, boxed: true)
            case .string: throw fail("cannot assign nil to string")
            }
        case .field(_, let ident):
            at(.arg(node))
            return try validate(try evalFieldChain(dot, dot, node, ident, args: [node], final: nil), type)
        case .variable(let v):
            return try validate(try evalVariable(dot, v, args: [], final: nil), type)
        case .pipe(let p):
            return try validate(try evalPipeline(dot, p).unboxed, type)
        case .identifier(_, let name):
            return try validate(try evalFunction(dot, node, name: name, cmd: .arg(node), args: [], final: nil), type)
        case .chain:
            return try validate(try evalChain(dot, node, args: [], final: nil), type)
        case .bool(_, let b):
            if type == .string { throw fail("expected string; found \(node.description)") }
            return .plain(.bool(b))
        case .string(_, _, let text):
            return .plain(.string(text))
        case .number(let n):
            if type == .string { throw fail("expected string; found \(node.description)") }
            return try idealConstant(n, node)
        }
    }

    // MARK: Printing

    func printValue(_ node: TemplateNode, _ v: Reflected) throws(TemplateExecError) {
        at(.node(node))
        switch v {
        case .invalid:
            try write("<no value>")
        case .value(.record(var r), _) where r.isPointer:
            r.isPointer = false
            try write(GoPrinter.print(.record(r)))
        case .value(.string(let text), _):
            try write(text)   // the common case, without fmt
        case .value(let value, _):
            try write(GoPrinter.print(value))
        }
    }
}
