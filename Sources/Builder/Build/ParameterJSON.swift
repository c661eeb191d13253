import ModelfileLang

/// Typed parameters (ModelfileLang's one table) to and from the params layer's JSON.
extension ParameterValues {
    /// The params layer's members as Ollama writes them: ints as int64, floats as float32.
    var storedJSON: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for (name, value) in sorted {
            switch value {
            case .int(let i): members[name] = .int(Int(i))
            case .float(let f): members[name] = .float32(f)
            case .bool(let b): members[name] = .bool(b)
            case .strings(let s): members[name] = .array(s.map { .string($0) })
            }
        }
        return members
    }

    /// A params layer read back as Ollama does (numbers become float64, then `Options.FromMap`).
    /// - Throws: the field and Ollama's message when a value has the wrong type.
    init(storedJSON members: [(String, JSONValue)]) throws(StoreError) {
        do throws(ParameterError) {
            self = try Parameters.options(fromJSON: members.map { ($0.0, $0.1.goAny) }).values
        } catch {
            throw StoreError("params layer: \(error)")
        }
    }
}

extension JSONValue {
    /// The value as Go's `encoding/json` decodes it into `any`.
    var goAny: GoJSONAny {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .number(Double(i))
        case .float32(let f): .number(Double(f.description) ?? Double(f))
        case .float64(let d): .number(d)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(\.goAny))
        case .object: .object
        }
    }
}
