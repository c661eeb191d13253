import Runtime

/// The state of one `mfc run` conversation: system text, MESSAGE history, turns so far, options.
///
/// Each answer re-renders the whole conversation; the generator reuses the cached prefix, so only
/// the new turn is evaluated. When the rendering exceeds num_ctx, the oldest turns are dropped
/// first; the system text and the model's MESSAGE history stay.
final class ChatSession {
    let generator: Generator
    let format: ChatFormat
    var options: SamplingOptions
    var system: String
    /// The model's MESSAGE history (kept when trimming).
    let history: [Turn]
    private(set) var turns: [Turn] = []
    /// Whether to apply the chat format at all (`--raw` sends text as is).
    let raw: Bool
    /// `--format json` / `/set format json`: answers are constrained to one JSON object.
    var json = false

    init(generator: Generator, format: ChatFormat, options: SamplingOptions, system: String, history: [Turn] = [], raw: Bool = false) {
        self.generator = generator
        self.format = format
        self.options = options
        self.system = system
        self.history = history
        self.raw = raw
    }

    /// Forgets the conversation (system and MESSAGE history stay) and the cache.
    func clear() {
        turns = []
        generator.reset()
    }

    /// The prompt tokens for the conversation plus `user`, dropping oldest turns to fit num_ctx.
    func promptTokens(for user: String) throws -> [Int] {
        let tokenizer = generator.tokenizer
        if raw { return tokenizer.encode(user) }
        let fixed = (system.isEmpty ? [] : [Turn(role: "system", content: system)]) + history
        let all = turns + [Turn(role: "user", content: user)]
        let limit = max(1, min(options.numCtx, generator.model.contextLength) - 1)
        var tokens: [Int] = []
        // Drop whole exchanges (turns are user/assistant pairs), so the kept part starts with a user turn.
        for start in stride(from: 0, to: all.count, by: 2) {
            tokens = tokenizer.encode(try format.render(fixed + all[start...]))
            if tokens.count <= limit { break }
        }
        return tokens
    }

    /// Answers `user`, streaming text to `emit`; the answer joins the conversation unless cancelled.
    func respond(to user: String, shouldStop: () -> Bool = { false }, emit: (String) -> Void) throws -> GenerationStats {
        let prompt = try promptTokens(for: user)
        let (text, stats) = try generator.generate(prompt: prompt, options: options, json: json, shouldStop: shouldStop, emit: emit)
        if !raw {
            turns.append(Turn(role: "user", content: user))
            turns.append(Turn(role: "assistant", content: text))
        }
        return stats
    }
}
