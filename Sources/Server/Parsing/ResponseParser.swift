import Foundation
import ModelfileLang

/// What a template lets a model do beyond completion, read as Ollama reads it: tools when it uses
/// `.Tools`, thinking when it shows `.Thinking` between tags.
package struct TemplateCapabilities: Sendable, Equatable {
    package var tools: Bool
    package var thinking: Bool

    package init(_ template: PromptTemplate) {
        tools = template.vars.contains("tools")
        thinking = template.thinkingTags != nil
    }
}

/// One piece of an answer after parsing: reasoning, text to show, and completed tool calls.
package struct ParsedOutput: Sendable, Equatable {
    package var thinking = ""
    package var content = ""
    package var calls: [ParsedToolCall] = []

    package init(thinking: String = "", content: String = "", calls: [ParsedToolCall] = []) {
        self.thinking = thinking
        self.content = content
        self.calls = calls
    }

    package var isEmpty: Bool { thinking.isEmpty && content.isEmpty && calls.isEmpty }

    package static func += (a: inout ParsedOutput, b: ParsedOutput) {
        a.thinking += b.thinking
        a.content += b.content
        a.calls += b.calls
    }
}

/// The model's output for one chat answer, split as Ollama's chat handler splits it: first the
/// reasoning (when thinking is on and the template has thinking tags), then tool calls in what
/// remains (when the request offered tools).
package struct ResponseParser: Sendable {
    private var thinking: ThinkingParser?
    private var tools: ToolCallParser?

    /// - Parameters:
    ///   - template: the model's template, which gives the tags.
    ///   - prompt: the rendered prompt; when it ends with the opening thinking tag, the answer starts
    ///     inside the reasoning.
    ///   - think: whether thinking is on.
    ///   - toolNames: the names of the request's tools (none: no tool parsing).
    package init(template: PromptTemplate, prompt: String, think: Bool, toolNames: [String]) {
        if think, let tags = template.thinkingTags {
            var parser = ThinkingParser(opening: tags.opening, closing: tags.closing)
            if prompt.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(tags.opening) { _ = parser.add(tags.opening) }
            thinking = parser
        }
        if !toolNames.isEmpty { tools = ToolCallParser(tag: template.toolCallTag, toolNames: toolNames) }
    }

    /// Whether the parser changes the output at all.
    package var isActive: Bool { thinking != nil || tools != nil }

    /// Takes the next piece the model wrote.
    package mutating func add(_ piece: String) -> ParsedOutput {
        var out = ParsedOutput(content: piece)
        if var parser = thinking {
            (out.thinking, out.content) = parser.add(piece)
            thinking = parser
        }
        if var parser = tools, !out.content.isEmpty {
            (out.calls, out.content) = parser.add(out.content)
            tools = parser
        }
        return out
    }

    /// What is left when the answer ends: held text that turned out not to be a call.
    package var remainder: ParsedOutput { ParsedOutput(content: tools?.remainder ?? "") }
}
