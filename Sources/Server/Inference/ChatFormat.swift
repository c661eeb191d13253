import Builder
import ModelfileLang

/// One chat turn as the run loop keeps it.
package struct Turn: Sendable, Equatable {
    package var role: String      // "system", "user", "assistant" or "tool"
    package var content: String

    package init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat template (chosen by ChatTemplateResolver), rendered by the template engine
/// exactly as Ollama's `/api/chat` renders it: what `/show template` prints is what is rendered.
package struct ChatFormat: Sendable {
    /// A short name for `/show info`: "TEMPLATE", a family or the base model.
    package let name: String
    package let template: PromptTemplate
    /// Stop strings the template implies (added to PARAMETER stop for a model file run directly).
    package let stops: [String]

    /// - Throws: `TemplateParseError` when the template does not parse.
    package init(name: String, text: String, stops: [String] = []) throws {
        self.name = name
        self.template = try PromptTemplate.parse(text)
        self.stops = stops
    }

    /// - Throws: `TemplateParseError` when the template does not parse.
    package init(_ choice: ChatTemplateChoice) throws {
        try self.init(name: choice.name, text: choice.template, stops: choice.stop)
    }

    /// The template text shown by `/show template`.
    package var templateText: String { template.raw }

    /// The prompt for `turns`, ending where the assistant's answer starts.
    package func render(_ turns: [Turn]) throws -> String {
        try template.execute(PromptValues(messages: turns.map { ChatMessage(role: $0.role, content: $0.content) }))
    }
}
