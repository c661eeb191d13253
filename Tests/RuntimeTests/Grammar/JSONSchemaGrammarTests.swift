import ModelfileLang
import Testing
import TestSupport
@testable import Runtime

/// JSON schemas as grammars: which texts each accepts, property order, and the schemas refused.
struct JSONSchemaGrammarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String, schema: String, valid: [String], invalid: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "required and optional properties in schema order",
             schema: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["name"]}"#,
             valid: [#"{"name": "Tom"}"#, #"{"name":"Tom","age":3}"#, #"{"name": "Tom", "tags": ["a", "b"]}"#, #"{ "name": "", "age": -2, "tags": [] }"#],
             invalid: [#"{}"#, #"{"age": 3, "name": "Tom"}"#, #"{"name": "Tom", "color": "red"}"#, #"{"name": 3}"#, #"{"name":"T","age":1.5}"#]),
        Case(name: "every type", schema: #"{"type":"object","properties":{"n":{"type":"number"},"b":{"type":"boolean"},"z":{"type":"null"},"o":{"type":"object"}},"required":["n","b","z","o"]}"#,
             valid: [#"{"n": -1.5e3, "b": false, "z": null, "o": {"any": [1, {}]}}"#],
             invalid: [#"{"n": "1", "b": false, "z": null, "o": {}}"#, #"{"n": 1, "b": 0, "z": null, "o": {}}"#, #"{"n": 1, "b": true, "z": null, "o": []}"#]),
        Case(name: "enum and const", schema: #"{"type":"object","properties":{"color":{"enum":["red","green",3,null]},"v":{"const":{"k":[1,"x"]}}},"required":["color","v"]}"#,
             valid: [#"{"color": "red", "v": {"k":[1,"x"]}}"#, #"{"color": 3, "v": {"k":[1,"x"]}}"#, #"{"color": null, "v": {"k":[1,"x"]}}"#],
             invalid: [#"{"color": "blue", "v": {"k":[1,"x"]}}"#, #"{"color": "red", "v": {"k":[2,"x"]}}"#]),
        Case(name: "string and array bounds", schema: #"{"type":"array","items":{"type":"string","minLength":2,"maxLength":3},"minItems":1,"maxItems":2}"#,
             valid: [#"["ab"]"#, #"["abc", "é中"]"#, #"[ "\n\u00e9" ]"#],
             invalid: [#"[]"#, #"["a"]"#, #"["abcd"]"#, #"["ab", "ab", "ab"]"#]),
        Case(name: "anyOf, oneOf and type lists", schema: #"{"anyOf":[{"type":"integer"},{"type":"object","properties":{"x":{"oneOf":[{"type":"string"},{"type":["boolean","null"]}]}},"required":["x"]}]}"#,
             valid: ["12", #"{"x": "s"}"#, #"{"x": true}"#, #"{"x": null}"#], invalid: ["1.5", #"{"x": 1}"#, #""s""#]),
        Case(name: "recursive $ref into $defs", schema: ##"{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["v"]}}}"##,
             valid: [#"{"v": 1}"#, #"{"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}]}"#], invalid: [#"{"v": 1, "kids": [{}]}"#]),
        Case(name: "additionalProperties", schema: #"{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
             valid: [#"{"a": 1, "x": "y", "z": "w"}"#, #"{"x": "y"}"#, "{}"], invalid: [#"{"a": 1, "x": 2}"#]),
        Case(name: "annotations are ignored", schema: #"{"title":"T","description":"d","type":"object","properties":{"a":{"type":"string","format":"email","default":"x"}},"required":["a"],"$schema":"https://json-schema.org/draft/2020-12/schema"}"#,
             valid: [#"{"a": "x"}"#], invalid: [#"{"a": 1}"#]),
    ]

    static func grammar(_ schema: String) throws -> Grammar {
        try JSONSchemaGrammar.grammar(for: try JSONValue.parse(schema))
    }

    static func complete(_ grammar: Grammar, _ text: String) -> Bool {
        var m = GrammarMatcher(grammar)
        return m.feed(Array(text.utf8)) && m.isAccepting
    }

    @Test(arguments: cases)
    func schemaGrammarsAcceptExactlyTheValidInstances(_ c: Case) throws {
        let schema = try JSONValue.parse(c.schema)
        let g = try Self.grammar(c.schema)
        for text in c.valid {
            #expect(Self.complete(g, text), "\(c.name): rejected \(text)")
            #expect(SchemaValidator.problem(try JSONValue.parse(text), schema) == nil, "\(c.name): the validator disagrees on \(text)")
        }
        for text in c.invalid {
            #expect(!Self.complete(g, text), "\(c.name): accepted \(text)")
        }
    }

    @Test(arguments: [
        (#"{"type":"string","pattern":"^a"}"#, "unsupported JSON schema keyword 'pattern' at #"),
        (#"{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}"#, "unsupported JSON schema keyword 'minimum' at #/properties/age"),
        (#"{"allOf":[{"type":"object"}]}"#, "unsupported JSON schema keyword 'allOf' at #"),
        (#"{"type":"strin"}"#, "unknown JSON schema type 'strin' at #"),
        (##"{"$ref":"#/$defs/missing"}"##, "$ref '#/$defs/missing' at # does not resolve"),
        (#"{"$ref":"https://example.com/s.json"}"#, "unsupported $ref 'https://example.com/s.json' at #: only local references (#/$defs/...) are supported"),
        (#"{"type":"array","minItems":3,"maxItems":2}"#, "'maxItems' at # is below 'minItems'"),
        (#"{"type":"string","maxLength":-1}"#, "'maxLength' at # must be a non-negative integer"),
        (##"{"$ref":"#"}"##, "JSON schema cannot be used: grammar rule 'ref' refers to itself without consuming input"),
        (##"{"type":"object","properties":{"x":{"$ref":"#"}},"required":["x"]}"##, "JSON schema cannot be used: grammar rule 'root' has no finite match"),
        (#"{"type":"string","maxLength":100000000}"#, "JSON schema cannot be used: the grammar is too large (a repetition of 100000000 in 'root')"),
        (#"[1]"#, "JSON schema at # must be an object"),
    ])
    func unsupportedOrBrokenSchemasAreRefusedWithTheReason(_ schema: String, _ message: String) throws {
        #expect(throws: JSONSchemaError(message)) { try Self.grammar(schema) }
    }

    @Test func propertyOrderFollowsTheSchemaNotTheAlphabet() throws {
        let g = try Self.grammar(#"{"type":"object","properties":{"zeta":{"type":"integer"},"alpha":{"type":"integer"}},"required":["zeta","alpha"]}"#)
        #expect(Self.complete(g, #"{"zeta": 1, "alpha": 2}"#))
        #expect(!Self.complete(g, #"{"alpha": 2, "zeta": 1}"#))
    }
}
