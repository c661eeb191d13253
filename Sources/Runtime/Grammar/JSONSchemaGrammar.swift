import ModelfileLang

/// A JSON schema that cannot be turned into a grammar; the message names the keyword and where it is.
package struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Turns a JSON schema into a grammar for the JSON text it allows, as llama.cpp's
/// json-schema-to-grammar does for the subset docs/structured-output.md lists: types, properties in
/// schema order (required ones always, optional ones in order after them), additionalProperties
/// (absent means none, as in llama.cpp), items with minItems/maxItems, string minLength/maxLength,
/// enum, const, anyOf/oneOf, and `$ref` into `$defs`/`definitions` (recursion included).
/// Any other keyword that constrains values is refused rather than silently ignored.
package struct JSONSchemaGrammar {
    private var builder = GrammarBuilder()
    private let parts: JSONGrammarParts
    private let root: JSONValue
    private var refs: [String: GrammarRule] = [:]
    private var depth = 0
    static let maxDepth = 64

    private static let supported: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "enum", "const", "anyOf", "oneOf", "$ref", "$defs", "definitions",
    ]
    /// Keywords that describe without constraining (annotations), ignored as validators ignore them.
    private static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated",
        "readOnly", "writeOnly", "format", "strict",
    ]

    /// The grammar of the JSON values `schema` allows.
    /// - Throws: `JSONSchemaError` for an unsupported keyword, a malformed schema or one too large.
    package static func grammar(for schema: JSONValue) throws(JSONSchemaError) -> Grammar {
        var compiler = JSONSchemaGrammar(root: schema)
        let expression = try compiler.visit(schema, at: "#")
        let top = compiler.builder.rule("root", expression)
        do {
            return try compiler.builder.build(root: top)
        } catch {
            throw JSONSchemaError("JSON schema cannot be used: \(error.message)")
        }
    }

    private init(root: JSONValue) {
        self.root = root
        parts = JSONGrammarParts(&builder)
    }

    private mutating func visit(_ schema: JSONValue, at path: String) throws(JSONSchemaError) -> GrammarExpression {
        if case .bool(let b) = schema {
            guard b else { throw JSONSchemaError("JSON schema 'false' at \(path) allows no value") }
            return .rule(parts.value)
        }
        guard case .object(let members) = schema else { throw JSONSchemaError("JSON schema at \(path) must be an object") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw JSONSchemaError("JSON schema is nested deeper than \(Self.maxDepth) levels at \(path)") }
        for (key, _) in members where !Self.supported.contains(key) && !Self.annotations.contains(key) {
            throw JSONSchemaError("unsupported JSON schema keyword '\(key)' at \(path)")
        }
        let s = SchemaObject(members: members, path: path)

        if let ref = try s.string("$ref") { return .rule(try resolve(ref, at: path)) }
        if let value = s["const"] { return .literal(Self.encode(value)) }
        if let values = s["enum"] {
            guard case .array(let xs) = values, !xs.isEmpty else { throw JSONSchemaError("'enum' at \(path) must be a non-empty array") }
            return .choice(xs.map { .literal(Self.encode($0)) })
        }
        for key in ["anyOf", "oneOf"] {
            guard let alternatives = s[key] else { continue }
            guard case .array(let xs) = alternatives, !xs.isEmpty else { throw JSONSchemaError("'\(key)' at \(path) must be a non-empty array") }
            var choices: [GrammarExpression] = []
            for (i, x) in xs.enumerated() { choices.append(try visit(x, at: "\(path)/\(key)/\(i)")) }
            return .choice(choices)
        }
        let types: [String]
        switch s["type"] {
        case nil:
            if s["properties"] != nil || s["additionalProperties"] != nil { types = ["object"] }
            else if s["items"] != nil || s["minItems"] != nil || s["maxItems"] != nil { types = ["array"] }
            else if s["minLength"] != nil || s["maxLength"] != nil { types = ["string"] }
            else { return .rule(parts.value) }
        case .string(let t)?: types = [t]
        case .array(let ts)?:
            types = try ts.map { t throws(JSONSchemaError) in
                guard case .string(let name) = t else { throw JSONSchemaError("'type' at \(path) must name types") }
                return name
            }
            guard !types.isEmpty else { throw JSONSchemaError("'type' at \(path) must name at least one type") }
        default: throw JSONSchemaError("'type' at \(path) must be a string or an array of strings")
        }
        var choices: [GrammarExpression] = []
        for t in types { choices.append(try visit(type: t, s)) }
        return choices.count == 1 ? choices[0] : .choice(choices)
    }

    private mutating func visit(type: String, _ s: SchemaObject) throws(JSONSchemaError) -> GrammarExpression {
        switch type {
        case "object": return try object(s)
        case "array":
            let item = try s["items"].map { x throws(JSONSchemaError) in try visit(x, at: s.path + "/items") } ?? .rule(parts.value)
            let min = try s.count("minItems") ?? 0, max = try s.count("maxItems")
            if let max, max < min { throw JSONSchemaError("'maxItems' at \(s.path) is below 'minItems'") }
            return JSONGrammarParts.container("[", "]", item, space: parts.space, min: min, max: max)
        case "string":
            let min = try s.count("minLength") ?? 0, max = try s.count("maxLength")
            if let max, max < min { throw JSONSchemaError("'maxLength' at \(s.path) is below 'minLength'") }
            if min == 0 && max == nil { return .rule(parts.string) }
            return .sequence([.literal("\""), .repetition(.rule(parts.char), min: min, max: max), .literal("\"")])
        case "number": return .rule(parts.number)
        case "integer": return .rule(parts.integer)
        case "boolean": return .rule(parts.boolean)
        case "null": return .rule(parts.null)
        default: throw JSONSchemaError("unknown JSON schema type '\(type)' at \(s.path)")
        }
    }

    /// `{ required, then any of the optional ones in order, then additional ones }`, as llama.cpp lays out objects.
    private mutating func object(_ s: SchemaObject) throws(JSONSchemaError) -> GrammarExpression {
        let additional = s["additionalProperties"]
        guard let properties = s["properties"] else {
            if additional == nil || additional == .bool(true) { return .rule(parts.object) }
            return try objectBody(properties: [], required: [], additional: additional, s)
        }
        guard case .object(let props) = properties else { throw JSONSchemaError("'properties' at \(s.path) must be an object") }
        var required: Set<String> = []
        if let r = s["required"] {
            guard case .array(let names) = r else { throw JSONSchemaError("'required' at \(s.path) must be an array of names") }
            for n in names {
                guard case .string(let name) = n else { throw JSONSchemaError("'required' at \(s.path) must be an array of names") }
                required.insert(name)
            }
        }
        return try objectBody(properties: props, required: required, additional: additional, s)
    }

    private mutating func objectBody(properties: [(String, JSONValue)], required: Set<String>, additional: JSONValue?,
                                     _ s: SchemaObject) throws(JSONSchemaError) -> GrammarExpression {
        var requiredMembers: [GrammarExpression] = [], optionalMembers: [GrammarExpression] = []
        var seen: Set<String> = []
        for (name, schema) in properties where seen.insert(name).inserted {
            let value = try visit(schema, at: s.path + "/properties/" + Self.pointerEscaped(name))
            let member = builder.rule("member", .sequence([.literal(Self.encode(.string(name))), .literal(":"), .rule(parts.space), value]))
            if required.contains(name) { requiredMembers.append(.rule(member)) } else { optionalMembers.append(.rule(member)) }
        }
        var extra: GrammarExpression? = nil
        switch additional {
        case nil, .bool(false)?: break
        case .bool(true)?: extra = .rule(parts.value)
        case let schema?: extra = try visit(schema, at: s.path + "/additionalProperties")
        }
        let comma = GrammarExpression.sequence([.literal(","), .rule(parts.space)])
        var optional = optionalMembers.map { (member: $0, repeats: false) }
        if let extra {
            let member = builder.rule("additional", .sequence([.rule(parts.string), .literal(":"), .rule(parts.space), extra]))
            optional.append((.rule(member), true))
        }
        // rest[i]: optional members i... in schema order, each at most once (additional ones any number
        // of times), each after a comma.
        var rest = [GrammarExpression](repeating: .empty, count: optional.count + 1)
        for i in optional.indices.reversed() {
            let next = GrammarExpression.sequence([comma, optional[i].member])
            let step: GrammarExpression = optional[i].repeats ? .zeroOrMore(next) : .optional(next)
            rest[i] = .rule(builder.rule("rest", .sequence([step, rest[i + 1]])))
        }
        var body: [GrammarExpression] = []
        for (i, m) in requiredMembers.enumerated() { body += i == 0 ? [m] : [comma, m] }
        if requiredMembers.isEmpty {
            // The first member present has no comma before it.
            let starts = optional.indices.map { i in
                GrammarExpression.sequence([optional[i].member, optional[i].repeats ? .zeroOrMore(.sequence([comma, optional[i].member])) : .empty,
                                            rest[i + 1]])
            }
            if !starts.isEmpty { body.append(.optional(.choice(starts))) }
        } else {
            body.append(rest[0])
        }
        return .sequence([.literal("{"), .rule(parts.space), .sequence(body), .rule(parts.space), .literal("}")])
    }

    /// The rule for a `$ref`: `#`, `#/$defs/NAME` or `#/definitions/NAME` (made once, so refs may recurse).
    private mutating func resolve(_ ref: String, at path: String) throws(JSONSchemaError) -> GrammarRule {
        if let r = refs[ref] { return r }
        var target = root
        if ref != "#" {
            guard ref.hasPrefix("#/") else { throw JSONSchemaError("unsupported $ref '\(ref)' at \(path): only local references (#/$defs/...) are supported") }
            for token in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard case .object(let members) = target, let next = members.last(where: { $0.0 == key })?.1 else {
                    throw JSONSchemaError("$ref '\(ref)' at \(path) does not resolve")
                }
                target = next
            }
        }
        let rule = builder.declare("ref")
        refs[ref] = rule
        builder.define(rule, as: try visit(target, at: ref))
        return rule
    }

    /// Compact JSON text for a constant (strings escaped minimally, as the model would write them).
    static func encode(_ value: JSONValue) -> [UInt8] {
        switch value {
        case .null: return Array("null".utf8)
        case .bool(let b): return Array((b ? "true" : "false").utf8)
        case .int(let n): return Array(String(n).utf8)
        case .float64(let d): return Array((d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)).utf8)
        case .float32(let f): return encode(.float64(Double(f)))
        case .string(let s):
            var out: [UInt8] = [UInt8(ascii: "\"")]
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): out += Array("\\\"".utf8)
                case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
                case UInt8(ascii: "\n"): out += Array("\\n".utf8)
                case UInt8(ascii: "\t"): out += Array("\\t".utf8)
                case UInt8(ascii: "\r"): out += Array("\\r".utf8)
                case 0..<0x20, 0x7F:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
                default: out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
            return out
        case .array(let xs):
            return [UInt8(ascii: "[")] + xs.map(encode).joined(separator: [UInt8(ascii: ",")]) + [UInt8(ascii: "]")]
        case .object(let members):
            let body = members.map { encode(.string($0.0)) + [UInt8(ascii: ":")] + encode($0.1) }
            return [UInt8(ascii: "{")] + body.joined(separator: [UInt8(ascii: ",")]) + [UInt8(ascii: "}")]
        }
    }

    static func pointerEscaped(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

/// A schema object's members with typed reads whose errors name the keyword and path.
private struct SchemaObject {
    let members: [(String, JSONValue)]
    let path: String

    subscript(key: String) -> JSONValue? { members.last { $0.0 == key }?.1 }

    func string(_ key: String) throws(JSONSchemaError) -> String? {
        guard let v = self[key] else { return nil }
        guard case .string(let s) = v else { throw JSONSchemaError("'\(key)' at \(path) must be a string") }
        return s
    }

    /// A non-negative integer (JSON schema counts).
    func count(_ key: String) throws(JSONSchemaError) -> Int? {
        switch self[key] {
        case nil: return nil
        case .int(let n)? where n >= 0: return n
        case .float64(let d)? where d >= 0 && d == d.rounded() && d < 1e9: return Int(d)
        default: throw JSONSchemaError("'\(key)' at \(path) must be a non-negative integer")
        }
    }
}
