import Builder
import ModelfileLang

/// One chat turn: Ollama's message, with the calls, tool name and reasoning tools and thinking need.
package typealias Turn = ChatMessage

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

    /// The prompt for `turns` (offering `tools`, with thinking as `think` asks), ending where the
    /// assistant's answer starts.
    package func render(_ turns: [Turn], tools: [Tool]? = nil, think: ThinkValue? = nil) throws -> String {
        try template.execute(PromptValues(messages: turns, tools: tools, think: think))
    }
}
