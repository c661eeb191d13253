/// A JSON value as Go's `encoding/json` sees it: objects keep their members in order (a Go struct
/// or an ordered map; `sortedObject` builds what a Go map marshals to), and numbers keep the Go
/// type they came from, so `JSONEncoding` writes exactly the bytes Go would.
/// The one JSON type of the package: the store's files, diagnostics, request bodies and template
/// data all use it (docs/template.md describes how template data is decoded from it).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A Go `int`/`int64`. The parser gives it to integer literals that fit.
    case int(Int)
    /// A Go `float64`: every other number, and what `interface{}` decoding makes of all numbers.
    case float64(Double)
    /// A Go `float32`: written with the shortest digits that identify the float32.
    case float32(Float)
    case string(String)
    case array([JSONValue])
    /// Members in order; a repeated key is kept (the last one wins on lookup, as in Go).
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float64(x), .float64(y)): return x == y
        case let (.float32(x), .float32(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .int(let i): h.combine(i)
        case .float64(let d): h.combine(d)
        case .float32(let f): h.combine(f)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let members):
            h.combine(members.count)
            for (k, v) in members { h.combine(k); h.combine(v) }
        }
    }

    /// An object with keys sorted by UTF-8 bytes, as Go marshals a `map[string]T`.
    public static func sortedObject(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
    }

    /// The value of a member of an object (the last one when a key repeats).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// Any number that is a whole value, as an Int.
    public var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .float64(let v): return Int(exactly: v)
        case .float32(let v): return Int(exactly: v)
        default: return nil
        }
    }

    /// Any number as a Double.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float64(let v): return v
        case .float32(let v): return Double(v)
        default: return nil
        }
    }
}
