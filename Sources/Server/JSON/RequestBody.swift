import ModelfileLang

/// An API error: the HTTP status and the `{"error": …}` message.
package struct APIError: Error, Sendable, CustomStringConvertible {
    package let status: Int
    package let message: String
    package init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
    package var description: String { message }

    static func badRequest(_ message: String) -> APIError { APIError(400, message) }
    static func modelNotFound(_ name: String) -> APIError { APIError(404, "model '\(name)' not found") }
}

/// A request's JSON object with typed, named access: a field of the wrong type is a 400 that names it.
struct RequestBody {
    let value: JSON
    /// The field path for messages (e.g. `messages[2].`).
    let prefix: String

    /// Parses a request body that must be one JSON object (an empty body is an empty object).
    init(_ bytes: [UInt8]) throws(APIError) {
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            self.init(object: .object([]), prefix: "")
            return
        }
        let parsed: JSON
        do { parsed = try JSON.parse(bytes) } catch { throw .badRequest("invalid JSON: \(error.message) at byte \(error.offset)") }
        guard case .object = parsed else { throw .badRequest("the request body must be a JSON object") }
        self.init(object: parsed, prefix: "")
    }

    init(object: JSON, prefix: String) {
        self.value = object
        self.prefix = prefix
    }

    func has(_ key: String) -> Bool {
        if let v = value[key], v != .null { return true }
        return false
    }

    func wrongType(_ key: String, _ expected: String) -> APIError {
        .badRequest("field '\(prefix)\(key)' must be \(expected)")
    }

    func string(_ key: String) throws(APIError) -> String? {
        switch value[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw wrongType(key, "a string")
        }
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        switch value[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        default: throw wrongType(key, "true or false")
        }
    }

    func int(_ key: String) throws(APIError) -> Int? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?:
            guard let i = v.intValue else { throw wrongType(key, "an integer") }
            return i
        }
    }

    func double(_ key: String) throws(APIError) -> Double? {
        switch value[key] {
        case nil, .null?: return nil
        case let v?:
            guard let d = v.doubleValue else { throw wrongType(key, "a number") }
            return d
        }
    }

    func array(_ key: String) throws(APIError) -> [JSON]? {
        switch value[key] {
        case nil, .null?: return nil
        case .array(let a)?: return a
        default: throw wrongType(key, "an array")
        }
    }

    func object(_ key: String) throws(APIError) -> RequestBody? {
        switch value[key] {
        case nil, .null?: return nil
        case let v? where v.objectValue != nil: return RequestBody(object: v, prefix: prefix + key + ".")
        default: throw wrongType(key, "an object")
        }
    }

    /// Each element of an array of objects, with its index in the field path.
    func objects(_ key: String) throws(APIError) -> [RequestBody]? {
        guard let items = try array(key) else { return nil }
        var out: [RequestBody] = []
        for (i, item) in items.enumerated() {
            guard item.objectValue != nil else { throw wrongType("\(key)[\(i)]", "an object") }
            out.append(RequestBody(object: item, prefix: "\(prefix)\(key)[\(i)]."))
        }
        return out
    }

    /// A list of strings, also accepting one string.
    func strings(_ key: String) throws(APIError) -> [String]? {
        switch value[key] {
        case nil, .null?: return nil
        case .string(let s)?: return [s]
        case .array(let items)?:
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw wrongType(key, "a string or an array of strings") }
                out.append(s)
            }
            return out
        default: throw wrongType(key, "a string or an array of strings")
        }
    }

    /// The model name: `model`, else the older `name`; required.
    func modelName() throws(APIError) -> String {
        var name = try string("model") ?? ""
        if name.isEmpty { name = try string("name") ?? "" }
        guard !name.isEmpty else { throw .badRequest("model is required") }
        return name
    }
}
