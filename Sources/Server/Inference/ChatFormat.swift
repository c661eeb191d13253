import Runtime

/// One chat turn as the run loop keeps it.
package struct Turn: Sendable, Equatable {
    package var role: String      // "system", "user", "assistant" or "tool"
    package var content: String

    package init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// Renders a conversation into prompt text for a model.
package protocol ChatFormat: Sendable {
    /// A short name for `/show template`.
    var name: String { get }
    /// The template text shown by `/show template`.
    var templateText: String { get }
    /// Stop strings the format implies (added to PARAMETER stop).
    var stops: [String] { get }
    /// The prompt for `turns`, ending where the assistant's answer starts.
    func render(_ turns: [Turn]) throws -> String
}

/// The two chat formats of the test models, recognised from `tokenizer.chat_template`, and a plain
/// fallback. Used for GGUF paths until a TEMPLATE is available from the template engine.
package enum BuiltinChatFormat: ChatFormat {
    /// `<|im_start|>role\n…<|im_end|>\n` (SmolLM2, Qwen, …).
    case chatML
    /// `<start_of_turn>user\n…<end_of_turn>\n`, system text folded into the first user turn.
    case gemma
    /// System text, a blank line, then the messages one after another.
    case plain

    /// Picks the format whose turn markers the GGUF's Jinja chat template uses.
    package static func detect(chatTemplate: String?) -> BuiltinChatFormat {
        guard let t = chatTemplate else { return .plain }
        if t.contains("<|im_start|>") { return .chatML }
        if t.contains("<start_of_turn>") { return .gemma }
        return .plain
    }

    package var name: String {
        switch self {
        case .chatML: "chatml"
        case .gemma: "gemma3-instruct"
        case .plain: "plain"
        }
    }

    package var templateText: String {
        switch self {
        case .chatML:
            "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n"
        case .gemma:
            "{{- range .Messages }}<start_of_turn>{{ if eq .Role \"assistant\" }}model{{ else }}{{ .Role }}{{ end }}\n{{ .Content }}<end_of_turn>\n{{ end }}<start_of_turn>model\n"
        case .plain:
            "{{ .System }}\n\n{{ .Prompt }}"
        }
    }

    package var stops: [String] {
        switch self {
        case .chatML: ["<|im_start|>", "<|im_end|>"]
        case .gemma: ["<end_of_turn>"]
        case .plain: []
        }
    }

    package func render(_ turns: [Turn]) -> String {
        switch self {
        case .chatML:
            return turns.map { "<|im_start|>\($0.role)\n\($0.content)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n"
        case .gemma:
            var out = ""
            var system = turns.filter { $0.role == "system" }.map(\.content).joined(separator: "\n\n")
            for turn in turns where turn.role != "system" {
                var content = turn.content
                if turn.role == "user" && !system.isEmpty { content = system + "\n\n" + content; system = "" }
                out += "<start_of_turn>\(turn.role == "assistant" ? "model" : turn.role)\n\(content)<end_of_turn>\n"
            }
            return out + "<start_of_turn>model\n"
        case .plain:
            return turns.map(\.content).joined(separator: "\n\n")
        }
    }
}
