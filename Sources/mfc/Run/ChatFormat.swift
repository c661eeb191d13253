import Builder
import ModelfileLang

/// One chat turn as the run loop keeps it.
struct Turn: Sendable, Equatable {
    var role: String      // "system", "user" or "assistant"
    var content: String
}

/// A model's chat template (chosen by ChatTemplateResolver), rendered by the template engine
/// exactly as Ollama's `/api/chat` renders it: what `/show template` prints is what is rendered.
struct ChatFormat: Sendable {
    /// A short name for `/show info`: "TEMPLATE", a family or the base model.
    let name: String
    let template: PromptTemplate
    /// Stop strings the template implies (added to PARAMETER stop for a model file run directly).
    let stops: [String]

    /// - Throws: `TemplateParseError` when the template does not parse.
    init(name: String, text: String, stops: [String] = []) throws {
        self.name = name
        self.template = try PromptTemplate.parse(text)
        self.stops = stops
    }

    /// - Throws: `TemplateParseError` when the template does not parse.
    init(_ choice: ChatTemplateChoice) throws {
        try self.init(name: choice.name, text: choice.template, stops: choice.stop)
    }

    /// The template text shown by `/show template`.
    var templateText: String { template.raw }

    /// The prompt for `turns`, ending where the assistant's answer starts.
    func render(_ turns: [Turn]) throws -> String {
        try template.execute(PromptValues(messages: turns.map { ChatMessage(role: $0.role, content: $0.content) }))
    }
}
