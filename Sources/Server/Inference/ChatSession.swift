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

    /// The prompt tokens for the conversation plus `user`, dropping oldest turns to fit num_ctx.
    package func promptTokens(for user: String) throws -> [Int] {
        if raw { return generator.tokenizer.encode(user) }
        let fixed = (system.isEmpty ? [] : [Turn(role: "system", content: system)]) + history
        return try Self.fittedPrompt(fixed: fixed, turns: turns + [Turn(role: "user", content: user)], format: format,
                                     tokenizer: generator.tokenizer, limit: min(options.numCtx, generator.model.contextLength) - 1,
                                     step: 2)   // whole exchanges (user/assistant pairs): what is kept starts with a user turn
    }

    /// The tokens of `fixed + turns` rendered by `format`, dropping the oldest of `turns` until they fit
    /// in `limit` tokens, `step` turns at a time (the last turn always stays). `mfc run` and the server's chat
    /// both prompt this way.
    package static func fittedPrompt(fixed: [Turn], turns: [Turn], format: ChatFormat, tokenizer: Tokenizer, limit: Int,
                                     step: Int = 1) throws -> [Int] {
        let limit = max(1, limit)
        var tokens: [Int] = []
        for start in stride(from: 0, to: turns.count, by: max(1, step)) {
            tokens = tokenizer.encode(try format.render(fixed + turns[start...]))
            if tokens.count <= limit { break }
        }
        return tokens
    }

    /// Answers `user`, streaming text to `emit`; the answer joins the conversation unless cancelled.
    package func respond(to user: String, shouldStop: () -> Bool = { false }, emit: (String) -> Void) throws -> GenerationStats {
        let prompt = try promptTokens(for: user)
        let (text, stats) = try generator.generate(prompt: prompt, options: options, grammar: grammar, shouldStop: shouldStop, emit: emit)
        if !raw {
            turns.append(Turn(role: "user", content: user))
            turns.append(Turn(role: "assistant", content: text))
        }
        return stats
    }
}
