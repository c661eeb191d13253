/// JSON decoded into Go's `interface{}`, the way Ollama hands request data and `mfc template
/// --data` to templates: objects become `map[string]interface {}` (a repeated key keeps its last
/// value), arrays `[]interface {}`, and every number a `float64`.
extension TemplateValue {
    /// Parses one JSON document into a template value.
    /// - Throws: `JSONParseError` with the byte offset of the problem.
    public static func decodeJSON(_ text: String) throws(JSONParseError) -> TemplateValue {
        TemplateValue(interfaceOf: try JSONValue.parse(text))
    }

    /// What `json.Unmarshal` into an `interface{}` makes of `json`.
    public init(interfaceOf json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .float(Double(i))
        case .float64(let d): self = .float(d)
        case .float32(let f): self = .float(Double(f))
        case .string(let s): self = .string(s)
        case .array(let items):
            self = .list(TemplateList(items.map(TemplateValue.init(interfaceOf:)),
                                      capacity: TemplateList.appendCapacity(items.count)))
        case .object(let members):
            var entries: [String: TemplateValue] = [:]
            entries.reserveCapacity(members.count)
            for (k, v) in members { entries[k] = TemplateValue(interfaceOf: v) }
            self = .map(TemplateMap(entries))
        }
    }
}
