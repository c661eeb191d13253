/// A JSON value that keeps object key order and the kind of each number, so it can be
/// re-encoded byte for byte the way Go's `encoding/json` writes Ollama's files.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A Go int/int64.
    case int(Int64)
    /// A Go float32: encoded in its shortest float32 form.
    case float32(Float)
    /// A Go float64 (every number that went through a JSON round trip).
    case float64(Double)
    case string(String)
    case array([JSONValue])
    /// Members in the order they are written.
    case object([(String, JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float32(x), .float32(y)): return x == y
        case let (.float64(x), .float64(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// An object with keys sorted by UTF-8 bytes, as Go encodes a map.
    package static func sortedObject(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) })
    }

    /// The value of a member of an object (the last one when a key repeats).
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    package var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    package var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o }; return nil }
    /// Any number that is a whole value, as an Int.
    package var intValue: Int? {
        switch self {
        case .int(let v): return Int(exactly: v)
        case .float64(let v): return Int(exactly: v)
        case .float32(let v): return Int(exactly: v)
        default: return nil
        }
    }
    /// Any number as a Double.
    package var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float64(let v): return v
        case .float32(let v): return Double(v)
        default: return nil
        }
    }
}
