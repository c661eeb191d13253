import ModelfileLang

/// Checks a JSON value against the JSON schema subset mfc turns into grammars (docs/structured-output.md),
/// written from the JSON schema rules rather than from the grammar, to judge what models produce.
public enum SchemaValidator {
    /// The first problem found, or nil when `value` is valid.
    public static func problem(_ value: JSONValue, _ schema: JSONValue, root: JSONValue? = nil, at path: String = "$") -> String? {
        let root = root ?? schema
        if case .bool(let b) = schema { return b ? nil : "\(path): schema false" }
        guard case .object(let s) = schema else { return "\(path): schema is not an object" }
        func member(_ k: String) -> JSONValue? { s.last { $0.0 == k }?.1 }
        if case .string(let ref)? = member("$ref") {
            var target = root
            for key in ref.dropFirst(2).split(separator: "/") where ref != "#" {
                guard case .object(let m) = target, let next = m.last(where: { $0.0 == String(key) })?.1 else { return "\(path): bad ref" }
                target = next
            }
            return problem(value, target, root: root, at: path)
        }
        if let c = member("const"), !same(c, value) { return "\(path): not the const" }
        if case .array(let options)? = member("enum"), !options.contains(where: { same($0, value) }) { return "\(path): not in enum" }
        for key in ["anyOf", "oneOf"] {
            if case .array(let alternatives)? = member(key) {
                if !alternatives.contains(where: { problem(value, $0, root: root, at: path) == nil }) { return "\(path): matches no \(key)" }
            }
        }
        var types: [String] = []
        if case .string(let t)? = member("type") { types = [t] }
        if case .array(let ts)? = member("type") { types = ts.compactMap { if case .string(let t) = $0 { t } else { nil } } }
        if !types.isEmpty && !types.contains(where: { has(value, type: $0) }) { return "\(path): not of type \(types)" }
        switch value {
        case .object(let members):
            let props: [(String, JSONValue)] = if case .object(let p)? = member("properties") { p } else { [] }
            if case .array(let required)? = member("required") {
                for case .string(let name) in required where !members.contains(where: { $0.0 == name }) {
                    return "\(path): missing \(name)"
                }
            }
            for (k, v) in members {
                if let sub = props.last(where: { $0.0 == k })?.1 {
                    if let p = problem(v, sub, root: root, at: path + "." + k) { return p }
                } else if let additional = member("additionalProperties") {
                    if let p = problem(v, additional, root: root, at: path + "." + k) { return p }
                } else if member("properties") != nil {
                    return "\(path): unexpected property \(k)"
                }
            }
        case .array(let items):
            if case .int(let n)? = member("minItems"), items.count < n { return "\(path): fewer than \(n) items" }
            if case .int(let n)? = member("maxItems"), items.count > n { return "\(path): more than \(n) items" }
            if let itemSchema = member("items") {
                for (i, item) in items.enumerated() {
                    if let p = problem(item, itemSchema, root: root, at: "\(path)[\(i)]") { return p }
                }
            }
        case .string(let text):
            if case .int(let n)? = member("minLength"), text.unicodeScalars.count < n { return "\(path): shorter than \(n)" }
            if case .int(let n)? = member("maxLength"), text.unicodeScalars.count > n { return "\(path): longer than \(n)" }
        default: break
        }
        return nil
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("number", .int), ("number", .float64), ("integer", .int): return true
        case ("integer", .float64(let d)): return d == d.rounded()
        default: return false
        }
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .float64(let y)), (.float64(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }
}
