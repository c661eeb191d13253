/// A value a template can see: the data model of Go's `text/template` without reflection.
///
/// JSON data decodes the way Go's `encoding/json` decodes into `interface{}`: objects become
/// `map[string]interface {}`, arrays `[]interface {}`, numbers `float64`. Ollama's typed records
/// (messages, tool calls, tools) are `.record` values with Go's type names, so error messages
/// and `%T` read exactly as Go prints them.
public indirect enum TemplateValue: Sendable, Hashable {
    /// Go's untyped `nil` (a nil interface, or JSON `null`).
    case null
    case bool(Bool)
    /// Go `int` (integer literals in templates, `len` results, range indexes).
    case int(Int)
    /// Go `float64` (every JSON number).
    case float(Double)
    case string(String)
    case list(TemplateList)
    case map(TemplateMap)
    case record(TemplateRecord)

    /// A `[]interface {}` of the given elements.
    public static func array(_ items: [TemplateValue]) -> TemplateValue { .list(TemplateList(items)) }
    /// A `map[string]interface {}` of the given entries.
    public static func object(_ entries: [String: TemplateValue]) -> TemplateValue { .map(TemplateMap(entries)) }
}

/// A Go slice. `elementType` is Go's spelling of the element type; `"interface {}"` means the
/// elements are boxed in interfaces (which changes nil handling and error wording, as in Go).
public struct TemplateList: Sendable, Hashable {
    public var items: [TemplateValue]
    public var elementType: String
    /// A named slice type such as `template.templateTools`; nil for an unnamed `[]T`.
    public var typeName: String?
    /// The type has a `String()` method returning its JSON (Ollama's template types do).
    public var printsAsJSON: Bool
    /// A nil slice: empty, but `json` prints `null`.
    public var isNil: Bool
    /// Go's `cap`: `slice` may reach past the length up to it (the extra elements are zero values).
    public var capacity: Int

    public init(_ items: [TemplateValue], elementType: String = "interface {}", typeName: String? = nil,
                printsAsJSON: Bool = false, isNil: Bool = false, capacity: Int? = nil) {
        self.items = items
        self.elementType = elementType
        self.typeName = typeName
        self.printsAsJSON = printsAsJSON
        self.isNil = isNil
        self.capacity = max(capacity ?? items.count, items.count)
    }

    /// The capacity `encoding/json` leaves on a decoded `[]interface {}`: it appends one element
    /// at a time, so small slices double (0, 1, 2, 4, 8, ...).
    static func appendCapacity(_ n: Int) -> Int {
        guard n > 0, n <= 256 else { return n }
        var c = 1
        while c < n { c *= 2 }
        return c
    }

    var goType: String { typeName ?? "[]" + elementType }
    var boxesElements: Bool { elementType == "interface {}" }
}

/// A Go map with string keys. Ranging and printing visit keys sorted, as Go does.
public struct TemplateMap: Sendable, Hashable {
    public var entries: [String: TemplateValue]
    public var elementType: String
    public var typeName: String?
    public var printsAsJSON: Bool
    public var isNil: Bool

    public init(_ entries: [String: TemplateValue], elementType: String = "interface {}", typeName: String? = nil,
                printsAsJSON: Bool = false, isNil: Bool = false) {
        self.entries = entries
        self.elementType = elementType
        self.typeName = typeName
        self.printsAsJSON = printsAsJSON
        self.isNil = isNil
    }

    var goType: String { typeName ?? "map[string]" + elementType }
    var boxesElements: Bool { elementType == "interface {}" }
    /// Keys in Go's sort order for strings (bytewise).
    var sortedKeys: [String] { entries.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
}

/// A Go struct (or pointer to struct) such as Ollama's `templateMessage`.
public struct TemplateRecord: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: TemplateValue
        /// The JSON key (`json:"name"` tag); nil means the Go field name is used.
        public var jsonName: String?
        /// `json:",omitempty"`.
        public var omitEmpty: Bool
        /// Go's static type of the field, e.g. "string", "interface {}", "[]string".
        public var goType: String

        public init(_ name: String, _ value: TemplateValue, goType: String, json jsonName: String? = nil, omitEmpty: Bool = false) {
            self.name = name
            self.value = value
            self.goType = goType
            self.jsonName = jsonName
            self.omitEmpty = omitEmpty
        }
    }
    /// Go's type name without the pointer star, e.g. "template.templateMessage".
    public var typeName: String
    public var isPointer: Bool
    public var fields: [Field]
    public var printsAsJSON: Bool

    public init(typeName: String, isPointer: Bool = false, fields: [Field], printsAsJSON: Bool = false) {
        self.typeName = typeName
        self.isPointer = isPointer
        self.fields = fields
        self.printsAsJSON = printsAsJSON
    }

    var goType: String { (isPointer ? "*" : "") + typeName }
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

extension TemplateValue {
    /// Go's name for the dynamic type, as `%T` prints it.
    var goType: String {
        switch self {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float64"
        case .string: return "string"
        case .list(let l): return l.goType
        case .map(let m): return m.goType
        case .record(let r): return r.goType
        }
    }

}
