/// Go's comparison builtins (`eq ne lt le gt ge`): basic kinds compare by value, mixed kinds
/// are an error ("incompatible types for comparison"), missing values compare only for equality.
enum Comparison {
    enum Kind { case invalid, bool, int, uint, float, complex, string }

    static func kind(_ r: Reflected) -> Kind {
        switch r {
        case .value(.bool, _): return .bool
        case .value(.int, _): return .int
        case .value(.uint8, _): return .uint
        case .value(.float, _): return .float
        case .value(.complex, _): return .complex
        case .value(.string, _): return .string
        default: return .invalid
        }
    }

    /// reflect's Kind, for "can these be compared at all".
    private static func reflectKind(_ r: Reflected) -> String {
        switch r {
        case .invalid: return "invalid"
        case .value(.list, _): return "slice"
        case .value(.map, _): return "map"
        case .value(.record(let rec), _): return rec.isPointer ? "ptr" : "struct"
        case .value(.null, _): return "interface"
        default: return "basic"
        }
    }

    private static func isNil(_ r: Reflected) -> Bool {
        switch r {
        case .invalid: return true
        case .value(.list(let l), _): return l.isNil
        case .value(.map(let m), _): return m.isNil
        case .value(.null, _): return true
        default: return false
        }
    }

    private static func comparable(_ v: TemplateValue) -> Bool {
        switch v {
        case .list, .map: return false
        case .record(let r): return r.isPointer || r.fields.allSatisfy { comparable($0.value) }
        default: return true
        }
    }

    private static func show(_ r: Reflected, _ verb: String) -> String {
        GoPrinter.sprintf(verb, [r.templateValue ?? .null])
    }

    static func eq(_ a1: Reflected, _ rest: [Reflected]) -> Result<Bool, FunctionError> {
        let arg1 = a1.unboxed
        if rest.isEmpty { return .failure(FunctionError(message: "missing argument for comparison")) }
        let k1 = kind(arg1)
        for a in rest {
            let arg = a.unboxed
            let k2 = kind(arg)
            var truth = false
            if k1 != k2 {
                if let (x, y) = mixedIntegers(arg1, arg) {
                    truth = x == y   // Go compares int with uint by value when the int is not negative
                } else if arg1 != .invalid && arg != .invalid {
                    return .failure(FunctionError(message: "incompatible types for comparison"))
                }
            } else {
                switch (arg1, arg) {
                case (.value(.bool(let x), _), .value(.bool(let y), _)): truth = x == y
                case (.value(.int(let x), _), .value(.int(let y), _)): truth = x == y
                case (.value(.uint8(let x), _), .value(.uint8(let y), _)): truth = x == y
                case (.value(.float(let x), _), .value(.float(let y), _)): truth = x == y
                case (.value(.complex(let a, let b), _), .value(.complex(let c, let d), _)): truth = a == c && b == d
                case (.value(.string(let x), _), .value(.string(let y), _)): truth = x.utf8.elementsEqual(y.utf8)
                default:
                    let rk1 = reflectKind(arg1), rk2 = reflectKind(arg)
                    if rk1 != rk2 && rk1 != "invalid" && rk2 != "invalid" {
                        return .failure(FunctionError(message:
                            "non-comparable types \(show(arg1, "%s")): \(arg1.goType), \(arg.goType): \(show(arg, "%v"))"))
                    }
                    if isNil(arg1) || isNil(arg) {
                        truth = isNil(arg) == isNil(arg1)
                    } else {
                        guard case .value(let v2, _) = arg, comparable(v2) else {
                            return .failure(FunctionError(message: "non-comparable type \(show(arg, "%s")): \(arg.goType)"))
                        }
                        truth = arg1.templateValue == v2
                    }
                }
            }
            if truth { return .success(true) }
        }
        return .success(false)
    }

    static func lt(_ a1: Reflected, _ a2: Reflected) -> Result<Bool, FunctionError> {
        let arg1 = a1.unboxed, arg2 = a2.unboxed
        let k1 = kind(arg1), k2 = kind(arg2)
        if k1 == .invalid || k2 == .invalid { return .failure(FunctionError(message: "invalid type for comparison")) }
        if k1 != k2 {
            guard let (x, y) = mixedIntegers(arg1, arg2) else { return .failure(FunctionError(message: "incompatible types for comparison")) }
            return .success(x < y)
        }
        switch (arg1, arg2) {
        case (.value(.int(let x), _), .value(.int(let y), _)): return .success(x < y)
        case (.value(.uint8(let x), _), .value(.uint8(let y), _)): return .success(x < y)
        case (.value(.float(let x), _), .value(.float(let y), _)): return .success(x < y)
        case (.value(.string(let x), _), .value(.string(let y), _)):
            return .success(x.utf8.lexicographicallyPrecedes(y.utf8))
        default: return .failure(FunctionError(message: "invalid type for comparison"))
        }
    }

    /// An int and a uint8 as exact integers (Go's mixed signed/unsigned comparison rules agree with plain integer order).
    static func mixedIntegers(_ a: Reflected, _ b: Reflected) -> (Int, Int)? {
        switch (a, b) {
        case (.value(.int(let x), _), .value(.uint8(let y), _)): return (x, Int(y))
        case (.value(.uint8(let x), _), .value(.int(let y), _)): return (Int(x), y)
        default: return nil
        }
    }

    static func le(_ a1: Reflected, _ a2: Reflected) -> Result<Bool, FunctionError> {
        switch lt(a1, a2) {
        case .failure(let e): return .failure(e)
        case .success(true): return .success(true)
        case .success(false): return eq(a1, [a2])
        }
    }
}
