/// Parameter kinds of template functions, as far as Go's argument checking distinguishes them.
enum ArgType: Sendable, Equatable {
    /// `reflect.Value`: anything, including missing values.
    case reflectValue
    /// `any`: a missing value becomes a nil interface.
    case any
    /// `string`.
    case string
}

/// A function's declared parameters: fixed ones, then an optional variadic element type.
struct FunctionSignature: Sendable {
    var fixed: [ArgType]
    var variadic: ArgType?
}

/// An error returned by a function (Go wraps it as `error calling NAME: ...`).
struct FunctionError: Error, Sendable { var message: String }

/// A template function: Go's builtins and Ollama's extras.
struct TemplateFunction: Sendable {
    var signature: FunctionSignature
    var isBuiltin: Bool
    var call: @Sendable ([Reflected], TemplateOptions) -> Result<Reflected, FunctionError>
}

/// Go's builtin functions (`funcs.go`), with Go's argument handling and error messages.
enum Builtins {
    static let table: [String: TemplateFunction] = {
        func fn(_ fixed: [ArgType], _ variadic: ArgType? = nil,
                _ body: @escaping @Sendable ([Reflected], TemplateOptions) -> Result<Reflected, FunctionError>) -> TemplateFunction {
            TemplateFunction(signature: FunctionSignature(fixed: fixed, variadic: variadic), isBuiltin: true, call: body)
        }
        @Sendable func text(_ s: String) -> Result<Reflected, FunctionError> { .success(.plain(.string(s))) }
        @Sendable func bool(_ r: Result<Bool, FunctionError>) -> Result<Reflected, FunctionError> { r.map { .plain(.bool($0)) } }
        return [
            "and": fn([.reflectValue], .reflectValue) { _, _ in .success(.invalid) },   // evaluated lazily by the executor
            "or": fn([.reflectValue], .reflectValue) { _, _ in .success(.invalid) },
            "not": fn([.reflectValue]) { a, _ in .success(.plain(.bool(!isTrue(a[0].unboxed)))) },
            "len": fn([.reflectValue]) { a, _ in length(a[0]) },
            "index": fn([.reflectValue], .reflectValue) { a, _ in index(a[0], Array(a.dropFirst())) },
            "slice": fn([.reflectValue], .reflectValue) { a, _ in slice(a[0], Array(a.dropFirst())) },
            "call": fn([.reflectValue], .reflectValue) { a, _ in
                let f = a[0].unboxed
                guard case .value(let v, _) = f else { return .failure(FunctionError(message: "call of nil")) }
                return .failure(FunctionError(message: "non-function of type \(v.goType)"))
            },
            "print": fn([], .any) { a, _ in text(GoPrinter.sprint(a.map(interfaceValue))) },
            "println": fn([], .any) { a, _ in text(GoPrinter.sprintln(a.map(interfaceValue))) },
            "printf": fn([.string], .any) { a, _ in
                guard case .value(.string(let f), _) = a[0] else { return text("") }
                return text(GoPrinter.sprintf(f, a.dropFirst().map(interfaceValue)))
            },
            "html": fn([], .any) { a, _ in text(Escapers.html(evalArgs(a))) },
            "js": fn([], .any) { a, _ in text(Escapers.js(evalArgs(a))) },
            "urlquery": fn([], .any) { a, _ in text(Escapers.urlQuery(evalArgs(a))) },
            "eq": fn([.reflectValue], .reflectValue) { a, _ in bool(Comparison.eq(a[0], Array(a.dropFirst()))) },
            "ne": fn([.reflectValue, .reflectValue]) { a, _ in bool(Comparison.eq(a[0], [a[1]]).map { !$0 }) },
            "lt": fn([.reflectValue, .reflectValue]) { a, _ in bool(Comparison.lt(a[0], a[1])) },
            "le": fn([.reflectValue, .reflectValue]) { a, _ in bool(Comparison.le(a[0], a[1])) },
            "gt": fn([.reflectValue, .reflectValue]) { a, _ in bool(Comparison.le(a[0], a[1]).map { !$0 }) },
            "ge": fn([.reflectValue, .reflectValue]) { a, _ in bool(Comparison.lt(a[0], a[1]).map { !$0 }) },
        ]
    }()

    /// What a value passed as `any` looks like to the callee (a nil interface is Go's nil).
    static func interfaceValue(_ r: Reflected) -> TemplateValue { r.templateValue ?? .null }

    /// Go's `isTrue` on an already unboxed value.
    static func isTrue(_ r: Reflected) -> Bool {
        guard case .value(let v, _) = r else { return false }
        switch v {
        case .null: return false
        case .bool(let b): return b
        case .int(let n): return n != 0
        case .uint8(let b): return b != 0
        case .float(let d): return d != 0
        case .complex(let re, let im): return re != 0 || im != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .map(let m): return !m.entries.isEmpty
        case .record: return true
        }
    }

    /// `reflect.Zero` of a map's element type (what `missingkey=zero` yields).
    static func zeroValue(ofType t: String) -> TemplateValue {
        switch t {
        case "string": return .string("")
        case "bool": return .bool(false)
        case "int": return .int(0)
        case "float64": return .float(0)
        default: return .null
        }
    }

    /// Go's `indirect`: through interfaces; `isNil` when a nil interface was found.
    static func indirect(_ r: Reflected) -> (Reflected, isNil: Bool) {
        if case .value(.null, true) = r { return (r, true) }
        return (r.unboxed, false)
    }

    static func failure(_ m: String) -> Result<Reflected, FunctionError> { .failure(FunctionError(message: m)) }

    static func length(_ item: Reflected) -> Result<Reflected, FunctionError> {
        let (v, isNil) = indirect(item)
        if isNil { return failure("len of nil pointer") }
        switch v {
        case .invalid: return failure("reflect: call of reflect.Value.Type on zero Value")
        case .value(.list(let l), _): return .success(.plain(.int(l.items.count)))
        case .value(.map(let m), _): return .success(.plain(.int(m.entries.count)))
        case .value(.string(let s), _): return .success(.plain(.int(GoBytes.count(s))))
        case .value(let x, _): return failure("len of type \(x.goType)")
        }
    }

    /// Go's `indexArg`: an integer index within 0...cap. `index` unboxes its indexes first;
    /// `slice` does not, so a boxed index is "type interface {}" there.
    static func indexArg(_ index: Reflected, cap: Int) -> Result<Int, FunctionError> {
        if case .value(_, true) = index {
            return .failure(FunctionError(message: "cannot index slice/array with type interface {}"))
        }
        switch index {
        case .value(.int(let x), _):
            if x < 0 || x > cap { return .failure(FunctionError(message: "index out of range: \(x)")) }
            return .success(x)
        case .value(.uint8(let b), _):
            if Int(b) > cap { return .failure(FunctionError(message: "index out of range: \(b)")) }
            return .success(Int(b))
        case .invalid:
            return .failure(FunctionError(message: "cannot index slice/array with nil"))
        case .value(let v, _):
            return .failure(FunctionError(message: "cannot index slice/array with type \(v.goType)"))
        }
    }

    static func index(_ item0: Reflected, _ indexes: [Reflected]) -> Result<Reflected, FunctionError> {
        var item = item0.unboxed
        guard case .value = item else { return failure("index of untyped nil") }
        for index in indexes {
            let (it, isNil) = indirect(item)
            if isNil { return failure("index of nil pointer") }
            item = it
            switch item {
            case .value(.list(let l), _):
                switch indexArg(index.unboxed, cap: l.items.count) {
                case .failure(let e): return .failure(e)
                case .success(let x):
                    guard x < l.items.count else { return failure("reflect: slice index out of range") }
                    item = .value(l.items[l.items.startIndex + x], boxed: l.boxesElements)
                }
            case .value(.string(let s), _):
                let b = GoBytes.bytes(s)
                switch indexArg(index.unboxed, cap: b.count) {
                case .failure(let e): return .failure(e)
                case .success(let x):
                    guard x < b.count else { return failure("reflect: string index out of range") }
                    item = .plain(.uint8(b[x]))
                }
            case .value(.map(let m), _):
                switch index.unboxed {
                case .invalid: return failure("value is nil; should be of type string")
                case .value(.string(let k), _):
                    item = .value(m.entries[k] ?? zeroValue(ofType: m.elementType), boxed: m.boxesElements)
                case .value(let v, _): return failure("value has type \(v.goType); should be string")
                }
            case .value(let v, _):
                return failure("can't index item of type \(v.goType)")
            case .invalid:
                return failure("index of untyped nil")
            }
        }
        return .success(item)
    }

    static func slice(_ item0: Reflected, _ indexes: [Reflected]) -> Result<Reflected, FunctionError> {
        let item = item0.unboxed
        guard case .value(let v, _) = item else { return failure("slice of untyped nil") }
        if indexes.count > 3 { return failure("too many slice indexes: \(indexes.count)") }
        let cap: Int, count: Int
        var bytes: [UInt8] = []
        switch v {
        case .string(let s):
            if indexes.count == 3 { return failure("cannot 3-index slice a string") }
            bytes = GoBytes.bytes(s)   // by bytes, as Go does: a cut may split a character
            cap = bytes.count
            count = cap
        case .list(let l):
            cap = l.capacity
            count = l.items.count
        default:
            return failure("can't slice item of type \(v.goType)")
        }
        var idx = [0, count, 0]
        for (i, index) in indexes.enumerated() {
            switch indexArg(index, cap: cap) {
            case .failure(let e): return .failure(e)
            case .success(let x): idx[i] = x
            }
        }
        if idx[0] > idx[1] { return failure("invalid slice index: \(idx[0]) > \(idx[1])") }
        if indexes.count == 3 && idx[1] > idx[2] { return failure("invalid slice index: \(idx[1]) > \(idx[2])") }
        switch v {
        case .string:
            if indexes.count < 2 || idx[1] <= cap {
                return .success(.plain(.string(GoBytes.string(bytes[idx[0]..<idx[1]]))))
            }
            return failure("reflect: string slice index out of bounds")
        case .list(var l):
            let base = l.items.startIndex
            var items = l.items[(base + min(idx[0], l.items.count))..<(base + min(idx[1], l.items.count))]
            if items.count < idx[1] - idx[0] {   // reaching into spare capacity: zero values
                var grown = Array(items)
                let zero = zeroValue(ofType: l.elementType)
                while grown.count < idx[1] - idx[0] { grown.append(zero) }
                items = grown[...]
            }
            l.capacity = (indexes.count == 3 ? idx[2] : cap) - idx[0]
            l.items = items
            l.isNil = false
            return .success(.plain(.list(l)))
        default:
            return failure("can't slice item of type \(v.goType)")
        }
    }

    /// Go's `evalArgs` for html/js/urlquery: a lone string as is, otherwise `fmt.Sprint` with
    /// missing values printed as `<no value>`.
    static func evalArgs(_ args: [Reflected]) -> String {
        if args.count == 1, case .value(.string(let s), _) = args[0].unboxed { return s }
        let values: [TemplateValue] = args.map { a in
            switch a {
            case .value(.null, _), .invalid: return .string("<no value>")
            case .value(.record(var r), _) where r.isPointer:
                r.isPointer = false
                return .record(r)
            case .value(let v, _): return v
            }
        }
        return GoPrinter.sprint(values)
    }
}
