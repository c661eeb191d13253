import ModelfileLang

/// A model's TEMPLATE rendered by the template engine exactly as Ollama's `/api/chat` does.
package struct TemplateChatFormat: ChatFormat {
    package let name: String
    package let template: PromptTemplate
    package let stops: [String]

    /// - Throws: `TemplateParseError` when the TEMPLATE does not parse.
    package init(name: String, text: String, stops: [String] = []) throws {
        self.name = name
        self.template = try PromptTemplate.parse(text)
        self.stops = stops
    }

    package var templateText: String { template.raw }

    package func render(_ turns: [Turn]) throws -> String {
        try template.execute(PromptValues(messages: turns.map { ChatMessage(role: $0.role, content: $0.content) }))
    }
}
