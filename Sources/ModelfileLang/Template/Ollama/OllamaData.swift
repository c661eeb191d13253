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
    public var properties: [String: ToolProperty]

    public init(type: String = "function", items: TemplateValue? = nil, name: String, description: String = "",
                parametersType: String = "object", defs: TemplateValue? = nil, parametersItems: TemplateValue? = nil,
                required: [String]? = nil, properties: [String: ToolProperty] = [:]) {
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
    public var properties: [String: ToolProperty]?
    public var required: [String]?

    public init(anyOf: [ToolProperty] = [], type: [String] = [], items: TemplateValue? = nil, description: String = "",
                enumValues: [TemplateValue]? = nil, properties: [String: ToolProperty]? = nil, required: [String]? = nil) {
        self.anyOf = anyOf
        self.type = type
        self.items = items
        self.description = description
        self.enumValues = enumValues
        self.properties = properties
        self.required = required
    }
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

extension ChatMessage {
    /// Decodes an `api.Message` JSON object.
    public init(json v: TemplateValue) throws(RequestError) {
        guard case .map = v else { throw RequestError("a message must be a JSON object") }
        role = (v["role"]?.stringValue ?? "").lowercased()
        content = v["content"]?.stringValue ?? ""
        thinking = v["thinking"]?.stringValue ?? ""
        toolName = v["tool_name"]?.stringValue ?? ""
        toolCallID = v["tool_call_id"]?.stringValue ?? ""
        images = []
        if case .list(let l)? = v["images"] { images = l.items.compactMap(\.stringValue) }
        toolCalls = []
        if case .list(let l)? = v["tool_calls"] {
            for item in l.items {
                let f = item["function"]
                var args = f?["arguments"] ?? .object([:])
                if case .map = args {} else { args = .object([:]) }
                var index = 0
                if case .float(let d)? = f?["index"], let n = Int(exactly: d) { index = n }
                toolCalls.append(ToolCall(id: item["id"]?.stringValue ?? "", index: index,
                                          name: f?["name"]?.stringValue ?? "", arguments: args))
            }
        }
    }
}

extension ToolProperty {
    /// Decodes an `api.ToolProperty` JSON object ("type" may be a string or a list).
    public init(json v: TemplateValue) {
        self.init()
        if case .list(let l)? = v["anyOf"] { anyOf = l.items.map(ToolProperty.init(json:)) }
        switch v["type"] {
        case .string(let s)?: type = [s]
        case .list(let l)?: type = l.items.compactMap(\.stringValue)
        default: break
        }
        items = v["items"].flatMap { $0 == .null ? nil : $0 }
        description = v["description"]?.stringValue ?? ""
        if case .list(let l)? = v["enum"] { enumValues = Array(l.items) }
        if case .map(let m)? = v["properties"] { properties = m.entries.mapValues(ToolProperty.init(json:)) }
        if case .list(let l)? = v["required"] { required = l.items.compactMap(\.stringValue) }
    }
}

extension Tool {
    /// Decodes an `api.Tool` JSON object.
    public init(json v: TemplateValue) throws(RequestError) {
        guard case .map = v else { throw RequestError("a tool must be a JSON object") }
        let f = v["function"]
        let p = f?["parameters"]
        var props: [String: ToolProperty] = [:]
        if case .map(let m)? = p?["properties"] { props = m.entries.mapValues(ToolProperty.init(json:)) }
        var required: [String]?
        if case .list(let l)? = p?["required"] { required = l.items.compactMap(\.stringValue) }
        self.init(type: v["type"]?.stringValue ?? "", items: v["items"].flatMap { $0 == .null ? nil : $0 },
                  name: f?["name"]?.stringValue ?? "", description: f?["description"]?.stringValue ?? "",
                  parametersType: p?["type"]?.stringValue ?? "", defs: p?["$defs"].flatMap { $0 == .null ? nil : $0 },
                  parametersItems: p?["items"].flatMap { $0 == .null ? nil : $0 }, required: required, properties: props)
    }
}
