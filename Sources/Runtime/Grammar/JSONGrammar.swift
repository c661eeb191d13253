/// JSON's syntax as grammar rules, shared by `format: "json"` and JSON schemas (docs/structured-output.md).
///
/// Layout follows Ollama's JSON grammar: whitespace after `{`, `[`, `:` and `,` and before the
/// closer, none before `:` or `,`. Every whitespace run is bounded (llama.cpp's `space` rule: one
/// space, or one or two newlines and up to 20 blanks), and so are the digits of a number (16 per
/// part, as llama.cpp's schema numbers), so a model cannot spin on blanks or digits. Strings are
/// valid UTF-8 byte by byte, so a token cut inside a character cannot make them invalid.
package struct JSONGrammarParts {
    package let space: GrammarRule
    package let string: GrammarRule
    package let char: GrammarRule
    package let number: GrammarRule
    package let integer: GrammarRule
    package let boolean: GrammarRule
    package let null: GrammarRule
    package let value: GrammarRule
    package let object: GrammarRule
    package let array: GrammarRule

    package init(_ b: inout GrammarBuilder) {
        space = b.rule("space", .choice([.empty, .literal(" "),
                                         .sequence([.repetition(.literal("\n"), min: 1, max: 2),
                                                    .repetition(.bytes(ByteSet(anyOf: " \t")), min: 0, max: 20)])]))
        let continuation = GrammarExpression.bytes(ByteSet(0x80...0xBF))
        func utf8(_ lead: ClosedRange<UInt8>, _ second: ClosedRange<UInt8>, _ more: Int) -> GrammarExpression {
            .sequence([.bytes(ByteSet(lead)), .bytes(ByteSet(second))] + Array(repeating: continuation, count: more))
        }
        let hex = GrammarExpression.bytes(ByteSet(0x30...0x39, 0x41...0x46, 0x61...0x66))
        char = b.rule("char", .choice([
            .bytes(ByteSet(0x20...0x21, 0x23...0x5B, 0x5D...0x7E)),   // printable ASCII but `"` and `\`
            utf8(0xC2...0xDF, 0x80...0xBF, 0),
            utf8(0xE0...0xE0, 0xA0...0xBF, 1), utf8(0xE1...0xEC, 0x80...0xBF, 1),
            utf8(0xED...0xED, 0x80...0x9F, 1), utf8(0xEE...0xEF, 0x80...0xBF, 1),   // no surrogates
            utf8(0xF0...0xF0, 0x90...0xBF, 2), utf8(0xF1...0xF3, 0x80...0xBF, 2), utf8(0xF4...0xF4, 0x80...0x8F, 2),
            .sequence([.literal("\\"), .choice([.bytes(ByteSet(anyOf: "\"\\/bfnrt")),
                                                .sequence([.literal("u"), .repetition(hex, min: 4, max: 4)])])]),
        ]))
        string = b.rule("string", .sequence([.literal("\""), .zeroOrMore(.rule(char)), .literal("\"")]))
        let digit = GrammarExpression.bytes(ByteSet(0x30...0x39))
        let integral = GrammarExpression.choice([.literal("0"),
                                                 .sequence([.bytes(ByteSet(0x31...0x39)), .repetition(digit, min: 0, max: 15)])])
        integer = b.rule("integer", .sequence([.optional(.literal("-")), integral]))
        number = b.rule("number", .sequence([
            .optional(.literal("-")), integral,
            .optional(.sequence([.literal("."), .repetition(digit, min: 1, max: 16)])),
            .optional(.sequence([.bytes(ByteSet(anyOf: "eE")), .optional(.bytes(ByteSet(anyOf: "+-"))), .repetition(digit, min: 1, max: 16)])),
        ]))
        boolean = b.rule("boolean", .choice([.literal("true"), .literal("false")]))
        null = b.rule("null", .literal("null"))
        value = b.declare("value")
        object = b.declare("object")
        array = b.declare("array")
        b.define(value, as: .choice([.rule(object), .rule(array), .rule(string), .rule(number), .rule(boolean), .rule(null)]))
        let member = GrammarExpression.sequence([.rule(string), .literal(":"), .rule(space), .rule(value)])
        b.define(object, as: Self.container("{", "}", member, space: space))
        b.define(array, as: Self.container("[", "]", .rule(value), space: space))
    }

    /// `open ws (item ("," ws item)* ws)? close`, with between `min` and `max` items.
    package static func container(_ open: String, _ close: String, _ item: GrammarExpression, space: GrammarRule,
                                  min: Int = 0, max: Int? = nil) -> GrammarExpression {
        let more = GrammarExpression.sequence([.literal(","), .rule(space), item])
        var items: GrammarExpression = .sequence([item, .repetition(more, min: Swift.max(0, min - 1), max: max.map { $0 - 1 }), .rule(space)])
        if min == 0 { items = .optional(items) }
        if max == 0 { items = .empty }
        return .sequence([.literal(open), .rule(space), items, .literal(close)])
    }

    /// Ollama's `format: "json"`: one JSON object (the root of Ollama's grammar is an object).
    package static func objectGrammar() -> Grammar {
        var b = GrammarBuilder()
        let parts = JSONGrammarParts(&b)
        do {
            return try b.build(root: parts.object)
        } catch {
            preconditionFailure("the JSON grammar is well formed: \(error)")
        }
    }
}
