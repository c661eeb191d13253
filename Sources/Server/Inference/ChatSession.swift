import ModelfileLang
import Runtime

/// The state of one `mfc run` conversation: system text, MESSAGE history, turns so far, options.
///
/// Each answer re-renders the whole conversation; the generator reuses the cached prefix, so only
/// the new turn is evaluated. When the rendering exceeds num_ctx, the oldest turns are dropped
/// first; the system text and the model's MESSAGE history stay.
package final class ChatSession {
    package let generator: Generator
    package let format: ChatFormat
    package var options: SamplingOptions
    package var system: String
    /// The model's MESSAGE history (kept when trimming).
    package let history: [Turn]
    package private(set) var turns: [Turn] = []
    /// Whether to apply the chat format at all (`--raw` sends text as is).
    package let raw: Bool
    /// `--format` / `/set format`: the grammar answers follow (nil: free text).
    package var grammar: Grammar?
    /// `/set think` and `/set nothink`; nil leaves it to the model, which thinks when its template can.
    package var think: ThinkValue?

    package init(generator: Generator, format: ChatFormat, options: SamplingOptions, system: String, history: [Turn] = [], raw: Bool = false) {
        self.generator = generator
        self.format = format
        self.options = options
        self.system = system
        self.history = history
        self.raw = raw
    }

    /// Forgets the conversation (system and MESSAGE history stay) and the cache.
    package func clear() {
        turns = []
        generator.reset()
    }

    /// Whether the model's template shows reasoning between thinking tags.
    package var canThink: Bool { TemplateCapabilities(format.template).thinking }

    /// `think` as Ollama's server settles it: on by default for a model that can think.
    private var effectiveThink: ThinkValue? { canThink ? (think ?? .bool(true)) : think }

    /// The prompt for the conversation plus `user`, dropping oldest turns to fit num_ctx.
    package func prompt(for user: String) throws -> (text: String, tokens: [Int]) {
        if raw { return (user, generator.tokenizer.encode(user)) }
        let fixed = (system.isEmpty ? [] : [Turn(role: "system", content: system)]) + history
        return try Self.fittedPrompt(fixed: fixed, turns: turns + [Turn(role: "user", content: user)], format: format,
                                     tokenizer: generator.tokenizer, limit: min(options.numCtx, generator.model.contextLength) - 1,
                                     step: 2, think: effectiveThink)   // whole exchanges (user/assistant pairs): what is kept starts with a user turn
    }

    /// The text and tokens of `fixed + turns` rendered by `format`, dropping the oldest of `turns` until
    /// they fit in `limit` tokens, `step` turns at a time (the last turn always stays). `mfc run` and the
    /// server's chat both prompt this way.
    package static func fittedPrompt(fixed: [Turn], turns: [Turn], format: ChatFormat, tokenizer: Tokenizer, limit: Int,
                                     step: Int = 1, tools: [Tool]? = nil, think: ThinkValue? = nil) throws -> (text: String, tokens: [Int]) {
        let limit = max(1, limit)
        var text = "", tokens: [Int] = []
        for start in stride(from: 0, to: turns.count, by: max(1, step)) {
            text = try format.render(fixed + turns[start...], tools: tools, think: think)
            tokens = tokenizer.encode(text)
            if tokens.count <= limit { break }
        }
        return (text, tokens)
    }

    /// Answers `user`, streaming the answer's text to `emit` and, when the model thinks, its reasoning
    /// to `thinking`; the answer joins the conversation unless cancelled.
    package func respond(to user: String, shouldStop: () -> Bool = { false }, emit: (String) -> Void,
                         thinking: (String) -> Void = { _ in }) throws -> GenerationStats {
        let prompt = try prompt(for: user)
        let think = effectiveThink?.enabled ?? false
        var parser = ResponseParser(template: format.template, prompt: prompt.text, think: !raw && think, toolNames: [])
        var answer = ParsedOutput()
        let (text, stats) = try generator.generate(prompt: prompt.tokens, options: options, grammar: grammar, shouldStop: shouldStop) { piece in
            guard parser.isActive else { return emit(piece) }
            let out = parser.add(piece)
            answer += out
            if !out.thinking.isEmpty { thinking(out.thinking) }
            if !out.content.isEmpty { emit(out.content) }
        }
        if !raw {
            turns.append(Turn(role: "user", content: user))
            turns.append(parser.isActive ? Turn(role: "assistant", content: answer.content, thinking: answer.thinking)
                                         : Turn(role: "assistant", content: text))
        }
        return stats
    }
}
