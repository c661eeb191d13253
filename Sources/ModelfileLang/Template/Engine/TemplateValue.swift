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
    /// Go `uint8` (a byte: what `index` gives for a string).
    case uint8(UInt8)
    /// Go `float64` (every JSON number).
    case float(Double)
    /// Go `complex128`: only an imaginary or complex constant in a template makes one.
    case complex(real: Double, imaginary: Double)
    case string(String)
    case list(TemplateList)
    case map(TemplateMap)
    case record(TemplateRecord)

    /// A `[]interface {}` of the given elements.
    public static func array(_ items: [TemplateValue]) -> TemplateValue { .list(TemplateList(items)) }
    /// A `map[string]interface {}` of the given entries.
    public static func object(_ entries: [String: TemplateValue]) -> TemplateValue { .map(TemplateMap(entries)) }
}

/// Go's static type of a slice or map: shared by every value of that type, so copying a
/// value copies one reference instead of several strings.
public final class ContainerType: Sendable, Hashable {
    /// Go's spelling of the element type; `"interface {}"` means elements are boxed in interfaces.
    public let elementType: String
    /// A named type such as `template.templateTools`; nil for an unnamed `[]T` / `map[string]T`.
    public let typeName: String?
    /// The type has a `String()` method returning its JSON (Ollama's template types do).
    public let printsAsJSON: Bool
    let boxesElements: Bool

    public init(elementType: String = "interface {}", typeName: String? = nil, printsAsJSON: Bool = false) {
        self.elementType = elementType
        self.typeName = typeName
        self.printsAsJSON = printsAsJSON
        boxesElements = elementType == "interface {}"
    }

    /// `[]interface {}` / `map[string]interface {}`, what JSON decodes into.
    static let interface = ContainerType()

    public static func == (a: ContainerType, b: ContainerType) -> Bool {
        a === b || (a.elementType == b.elementType && a.typeName == b.typeName && a.printsAsJSON == b.printsAsJSON)
    }
    public func hash(into h: inout Hasher) {
        h.combine(elementType)
        h.combine(typeName)
    }

    static func make(_ elementType: String, _ typeName: String?, _ printsAsJSON: Bool) -> ContainerType {
        elementType == "interface {}" && typeName == nil && !printsAsJSON
            ? .interface : ContainerType(elementType: elementType, typeName: typeName, printsAsJSON: printsAsJSON)
    }
}

/// A Go slice.
public struct TemplateList: Sendable, Hashable {
    /// The elements (a slice, so `slice` shares storage as Go's slices do).
    public var items: ArraySlice<TemplateValue>
    public var type: ContainerType
    /// A nil slice: empty, but `json` prints `null`.
    public var isNil: Bool
    /// Go's `cap`: `slice` may reach past the length up to it (the extra elements are zero values).
    public var capacity: Int

    public init(_ items: [TemplateValue], elementType: String = "interface {}", typeName: String? = nil,
                printsAsJSON: Bool = false, isNil: Bool = false, capacity: Int? = nil) {
        self.items = items[...]
        self.type = .make(elementType, typeName, printsAsJSON)
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

    public var elementType: String { type.elementType }
    public var typeName: String? { type.typeName }
    public var printsAsJSON: Bool { type.printsAsJSON }
    var goType: String { type.typeName ?? "[]" + type.elementType }
    var boxesElements: Bool { type.boxesElements }
}

/// A Go map with string keys. Ranging and printing visit keys sorted, as Go does.
public struct TemplateMap: Sendable, Hashable {
    public var entries: [String: TemplateValue]
    public var type: ContainerType
    public var isNil: Bool
    /// The insertion order of an ordered map (Ollama's `ToolPropertiesMap`), which `json` keeps;
    /// nil for a Go map, whose keys marshal sorted.
    public var keyOrder: [String]?

    public init(_ entries: [String: TemplateValue], elementType: String = "interface {}", typeName: String? = nil,
                printsAsJSON: Bool = false, isNil: Bool = false) {
        self.entries = entries
        self.type = .make(elementType, typeName, printsAsJSON)
        self.isNil = isNil
    }

    public var elementType: String { type.elementType }
    public var typeName: String? { type.typeName }
    public var printsAsJSON: Bool { type.printsAsJSON }
    var goType: String { type.typeName ?? "map[string]" + type.elementType }
    var boxesElements: Bool { type.boxesElements }
    /// Keys in Go's sort order for strings (bytewise).
    var sortedKeys: [String] { entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    /// The keys in the order `json` writes them.
    var orderedKeys: [String] { keyOrder ?? sortedKeys }
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
        case .uint8: return "uint8"
        case .float: return "float64"
        case .complex: return "complex128"
        case .string: return "string"
        case .list(let l): return l.goType
        case .map(let m): return m.goType
        case .record(let r): return r.goType
        }
    }

}
