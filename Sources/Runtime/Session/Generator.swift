import ModelfileLang

/// Why a generation ended (Ollama's `done_reason`).
package enum DoneReason: String, Sendable {
    /// An end-of-generation token or a stop string.
    case stop
    /// num_predict tokens were generated.
    case length
    /// The caller asked to stop (Ctrl-C).
    case cancelled
}

/// Counts and times of one generation, for `--verbose`.
package struct GenerationStats: Sendable {
    package var promptTokens = 0
    /// Prompt tokens actually evaluated (the rest were reused from the cache).
    package var promptEvaluated = 0
    package var promptDuration: Duration = .zero
    package var generatedTokens = 0
    package var generationDuration: Duration = .zero
    package var doneReason: DoneReason = .stop
    /// With a `format`: time spent choosing tokens under the grammar (checks, masks, walks), and the walks.
    package var grammarDuration: Duration = .zero
    package var grammarWalks = 0
}

/// Runs prompt processing and token-by-token generation over a `TokenPredictor`, reusing the
/// cached prefix between calls (so each chat turn evaluates only what is new) and shifting the
/// context when it fills: the first num_keep tokens stay, half of the rest is dropped.
package final class Generator {
    package let model: any TokenPredictor
    package let tokenizer: Tokenizer
    /// Tokens whose keys and values are in the model's cache, in position order.
    package private(set) var cached: [Int] = []
    /// Every token's bytes as a trie, built on first use by a `format`.
    package private(set) lazy var tokenTrie = TokenTrie(tokenizer: tokenizer)

    package init(model: any TokenPredictor, tokenizer: Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Forgets the cache (the next prompt is evaluated from scratch).
    package func reset() { cached = [] }

    /// Declares that the model's cache now holds `tokens` at positions 0..<count (copied there from another
    /// sequence), so the next prompt evaluates only what follows them.
    package func assumeCached(_ tokens: [Int]) { cached = tokens }

    /// Generates a continuation of `prompt`.
    /// - Parameters:
    ///   - prompt: token ids (already templated and tokenized).
    ///   - options: sampling, num_predict, num_ctx (at most the model's), num_keep and stop strings.
    ///   - grammar: constrain the answer to this grammar (`format`); generation ends when it is complete.
    ///   - shouldStop: polled before each token; true ends with `.cancelled`.
    ///   - emit: receives text as soon as it is safe to show (stop strings and partial UTF-8 held back).
    /// - Returns: the generated text (without any stop string) and statistics.
    /// - Throws: whatever the model throws.
    package func generate(prompt: [Int], options: SamplingOptions, grammar: Grammar? = nil, shouldStop: () -> Bool = { false },
                         emit: (String) -> Void) throws -> (text: String, stats: GenerationStats) {
        var stats = GenerationStats()
        defer { model.endGeneration() }
        let contextLength = max(2, min(options.numCtx, model.contextLength))
        let keep = max(0, min(options.numKeep, contextLength / 2))
        let budget = Parameters.generationBudget(numPredict: options.numPredict, contextLength: contextLength)
        var tokens = prompt.isEmpty ? tokenizer.vocabulary.bos.map { [$0] } ?? [] : prompt
        guard !tokens.isEmpty else { return ("", stats) }
        if tokens.count >= contextLength {
            // Too long: keep the first num_keep tokens and the most recent ones, leaving room to answer.
            let tail = contextLength / 2 - keep
            tokens = Array(tokens[..<keep]) + tokens.suffix(tail)
        }
        stats.promptTokens = tokens.count

        let clock = ContinuousClock()
        let promptStart = clock.now
        var reused = zip(cached, tokens).prefix { $0 == $1 }.count
        if reused == tokens.count { reused -= 1 }   // the last prompt token must run to give logits
        var logits = try model.predict(Array(tokens[reused...]), from: reused)
        cached = tokens
        stats.promptEvaluated = tokens.count - reused
        stats.promptDuration = clock.now - promptStart

        var sampler = Sampler(options: options, constraint: grammar.map { TokenConstraint(grammar: $0, trie: tokenTrie) })
        var filter = StopSequenceFilter(stops: options.stop)
        var text = ""
        let generationStart = clock.now
        defer { stats.generationDuration = clock.now - generationStart }
        while true {
            if shouldStop() { stats.doneReason = .cancelled; break }
            if let budget, stats.generatedTokens >= budget { stats.doneReason = .length; break }
            let remaining = budget.map { $0 - stats.generatedTokens }
            guard let next = sampler.next(logits, history: cached, remaining: remaining) else { stats.doneReason = .stop; break }
            if tokenizer.isEndOfGeneration(next) { stats.doneReason = .stop; break }
            stats.generatedTokens += 1
            let shown = filter.push(tokenizer.piece(next, special: false))
            if !shown.isEmpty { text += shown; emit(shown) }
            if filter.stopped || sampler.isFinished { stats.doneReason = .stop; break }
            if cached.count >= contextLength {
                let discard = (cached.count - keep) / 2
                cached.removeSubrange(keep..<(keep + discard))
                cached.append(next)
                logits = try model.predict(Array(cached[keep...]), from: keep)
            } else {
                cached.append(next)
                logits = try model.predict([next], from: cached.count - 1)
            }
        }
        let rest = filter.flush()
        if !rest.isEmpty { text += rest; emit(rest) }
        stats.generationDuration = clock.now - generationStart
        stats.grammarDuration = sampler.constraintDuration
        stats.grammarWalks = sampler.constraint?.vocabularyWalks ?? 0
        return (text, stats)
    }
}
