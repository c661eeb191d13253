import ModelfileLang

/// What an answer must look like: Ollama's `format`, OpenAI's `response_format`, `mfc run --format`.
package enum OutputFormat: Sendable, Equatable {
    case text
    /// One JSON object, as Ollama's JSON grammar.
    case json
    /// A JSON value the schema allows.
    case schema(JSONValue)

    /// The grammar answers are held to, or nil for free text.
    /// - Throws: `JSONSchemaError` when the schema uses what mfc does not support.
    package func grammar() throws(JSONSchemaError) -> Grammar? {
        switch self {
        case .text: return nil
        case .json: return JSONGrammarParts.objectGrammar()
        case .schema(let schema): return try JSONSchemaGrammar.grammar(for: schema)
        }
    }
}
