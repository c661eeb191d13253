/// Ollama's chat data as its API carries it (`api.Message`, `api.ToolCall`, `api.Tool`, ...).

/// One chat message. Roles are lower-cased on decoding, as Ollama's API does.
public struct ChatMessage: Sendable, Hashable {
    public var role: String
    public var content: String
    public var thinking: String = ""
    /// Base64 image payloads (only their count and order matter to the prompt).
    public var images: [String] = []
    public var toolCalls: [ToolCall] = []
    public var toolName: String = ""
    public var toolCallID: String = ""

    public init(role: String, content: String, thinking: String = "", images: [String] = [],
                toolCalls: [ToolCall] = [], toolName: String = "", toolCallID: String = "") {
        self.role = role
        self.content = content
        self.thinking = thinking
        self.images = images
        self.toolCalls = toolCalls
        self.toolName = toolName
        self.toolCallID = toolCallID
    }
}

/// A tool call made by the assistant. `arguments` is a JSON object (a `.map`).
public struct ToolCall: Sendable, Hashable {
    public var id: String = ""
    public var index: Int = 0
    public var name: String
    public var arguments: TemplateValue

    public init(id: String = "", index: Int = 0, name: String, arguments: TemplateValue = .object([:])) {
        self.id = id
        self.index = index
        self.name = name
        self.arguments = arguments
    }
}

/// A tool the model may call (`api.Tool`).
public struct Tool: Sendable, Hashable {
    public var type: String
    public var items: TemplateValue?
    public var name: String
    public var description: String
    public var parametersType: String
    public var defs: TemplateValue?
    public var parametersItems: TemplateValue?
    public var required: [String]?
    /// In the request's order; nil when the request had none (templates then see a nil map).
    public var properties: ToolProperties?

    public init(type: String = "function", items: TemplateValue? = nil, name: String, description: String = "",
                parametersType: String = "object", defs: TemplateValue? = nil, parametersItems: TemplateValue? = nil,
                required: [String]? = nil, properties: ToolProperties? = [:]) {
        self.type = type
        self.items = items
        self.name = name
        self.description = description
        self.parametersType = parametersType
        self.defs = defs
        self.parametersItems = parametersItems
        self.required = required
        self.properties = properties
    }
}

/// A JSON-schema property of a tool parameter (`api.ToolProperty`).

public struct ToolProperty: Sendable, Hashable {
    public var anyOf: [ToolProperty] = []
    /// One or more JSON types ("string", "number", ...).
    public var type: [String] = []
    public var items: TemplateValue?
    public var description: String = ""
    public var enumValues: [TemplateValue]?
    /// Nested properties in the request's order (their JSON keeps it, as Ollama's ordered map does).
    public var properties: ToolProperties?
    public var required: [String]?

    public init(anyOf: [ToolProperty] = [], type: [String] = [], items: TemplateValue? = nil, description: String = "",
                enumValues: [TemplateValue]? = nil, properties: ToolProperties? = nil, required: [String]? = nil) {
        self.anyOf = anyOf
        self.type = type
        self.items = items
        self.description = description
        self.enumValues = enumValues
        self.properties = properties
        self.required = required
    }
}

/// Ollama's `ToolPropertiesMap`: properties by name in insertion order. Setting a name that is
/// already there keeps its place and replaces its value, as a repeated JSON key does.
public struct ToolProperties: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public private(set) var names: [String] = []
    public private(set) var byName: [String: ToolProperty] = [:]

    public init() {}
    public init(dictionaryLiteral elements: (String, ToolProperty)...) {
        for (k, v) in elements { self[k] = v }
    }

    public subscript(name: String) -> ToolProperty? {
        get { byName[name] }
        set {
            if newValue == nil {
                names.removeAll { $0 == name }
            } else if byName[name] == nil {
                names.append(name)
            }
            byName[name] = newValue
        }
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }
    /// (name, property) pairs in order.
    public var ordered: [(String, ToolProperty)] { names.map { ($0, byName[$0]!) } }
}

/// The `think` request field: a bool or a level ("high", "medium", "low", "max").
public enum ThinkValue: Sendable, Hashable {
    case bool(Bool)
    case level(String)

    /// Ollama's `ThinkValue.Bool()`.
    public var enabled: Bool {
        switch self {
        case .bool(let b): return b
        case .level(let l): return ["high", "medium", "low", "max"].contains(l)
        }
    }

    /// Ollama's `ThinkValue.String()`: `true` means "medium".
    public var level: String {
        switch self {
        case .bool(let b): return b ? "medium" : ""
        case .level(let l): return l
        }
    }
}

/// A request body that could not be understood.
public struct RequestError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension TemplateValue {
    subscript(key: String) -> TemplateValue? {
        if case .map(let m) = self { return m.entries[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// Request bodies decode from `JSONValue`, which keeps object order (tool properties need it);
/// the `TemplateValue` forms are kept for callers that already decoded into interface values.
extension ChatMessage {
    /// Decodes an `api.Message` JSON object.
    public init(json v: JSONValue) throws(RequestError) {
        guard case .object = v else { throw RequestError("a message must be a JSON object") }
        role = (v["role"]?.stringValue ?? "").lowercased()
        content = v["content"]?.stringValue ?? ""
        thinking = v["thinking"]?.stringValue ?? ""
        toolName = v["tool_name"]?.stringValue ?? ""
        toolCallID = v["tool_call_id"]?.stringValue ?? ""
        images = v["images"]?.arrayValue?.compactMap(\.stringValue) ?? []
        toolCalls = []
        for item in v["tool_calls"]?.arrayValue ?? [] {
            let f = item["function"]
            // Absent or null arguments stay nil (a template prints {} but json gives null).
            var args = TemplateValue.null
            switch f?["arguments"] {
            case nil, .null?: break
            case let a? where a.objectValue != nil: args = TemplateValue(interfaceOf: a)
            default: throw RequestError("tool call arguments must be a JSON object")
            }
            toolCalls.append(ToolCall(id: item["id"]?.stringValue ?? "", index: f?["index"]?.intValue ?? 0,
                                      name: f?["name"]?.stringValue ?? "", arguments: args))
        }
    }

    /// Decodes an `api.Message` already decoded into interface values.
    public init(json v: TemplateValue) throws(RequestError) { try self.init(json: GoJSON.jsonValue(v) ?? .null) }
}

extension ToolProperties {
    /// Decodes a JSON object of properties, keeping its order.
    init(json members: [(String, JSONValue)]) {
        self.init()
        for (k, v) in members { self[k] = ToolProperty(json: v) }
    }
}

extension ToolProperty {
    /// Decodes an `api.ToolProperty` JSON object ("type" may be a string or a list).
    public init(json v: JSONValue) {
        self.init()
        anyOf = v["anyOf"]?.arrayValue?.map(ToolProperty.init(json:)) ?? []
        switch v["type"] {
        case .string(let s)?: type = [s]
        case .array(let l)?: type = l.compactMap(\.stringValue)
        default: break
        }
        items = v["items"].flatMap { $0.isNull ? nil : TemplateValue(interfaceOf: $0) }
        description = v["description"]?.stringValue ?? ""
        enumValues = v["enum"]?.arrayValue?.map(TemplateValue.init(interfaceOf:))
        properties = v["properties"]?.objectValue.map(ToolProperties.init(json:))
        required = v["required"]?.arrayValue?.compactMap(\.stringValue)
    }

    /// Decodes an `api.ToolProperty` already decoded into interface values (key order is lost).
    public init(json v: TemplateValue) { self.init(json: GoJSON.jsonValue(v) ?? .null) }
}

extension Tool {
    /// Decodes an `api.Tool` JSON object.
    public init(json v: JSONValue) throws(RequestError) {
        guard case .object = v else { throw RequestError("a tool must be a JSON object") }
        let f = v["function"]
        let p = f?["parameters"]
        func interface(_ j: JSONValue?) -> TemplateValue? { j.flatMap { $0.isNull ? nil : TemplateValue(interfaceOf: $0) } }
        self.init(type: v["type"]?.stringValue ?? "", items: interface(v["items"]),
                  name: f?["name"]?.stringValue ?? "", description: f?["description"]?.stringValue ?? "",
                  parametersType: p?["type"]?.stringValue ?? "", defs: interface(p?["$defs"]),
                  parametersItems: interface(p?["items"]), required: p?["required"]?.arrayValue?.compactMap(\.stringValue),
                  properties: p?["properties"]?.objectValue.map(ToolProperties.init(json:)))
    }

    /// Decodes an `api.Tool` already decoded into interface values (key order is lost).
    public init(json v: TemplateValue) throws(RequestError) { try self.init(json: GoJSON.jsonValue(v) ?? .null) }
}
