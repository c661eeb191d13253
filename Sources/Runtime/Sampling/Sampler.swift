import Foundation

/// Picks the next token from logits with Ollama's runtime parameters, in llama.cpp's order:
/// penalties, top_k, typical_p, top_p, min_p, temperature, then a seeded draw.
/// At temperature 0 (or below) it takes the argmax after the penalties.
///
/// With a grammar (`format`), this sequence's parse state lives here too: the first choice is
/// checked against the grammar and kept when allowed; otherwise every disallowed token is masked and
/// the choice is made again, as llama.cpp's and Ollama's samplers do.
package struct Sampler: Sendable {
    package let options: SamplingOptions
    private var random: SplitMix64
    /// The grammar this sequence's tokens must follow, if any.
    package private(set) var constraint: TokenConstraint?
    /// Time spent in the grammar so far (checking, masking, advancing).
    package private(set) var constraintDuration: Duration = .zero

    /// - Parameters:
    ///   - options: the parameters; `seed` -1 draws a seed from the system generator.
    ///   - constraint: a grammar the answer must follow (its state is this sequence's).
    package init(options: SamplingOptions, constraint: TokenConstraint? = nil) {
        self.options = options
        let seed = options.seed >= 0 ? UInt64(options.seed) : UInt64.random(in: .min ... .max)
        random = SplitMix64(seed: seed)
        self.constraint = constraint
    }

    /// True once the grammar's answer is complete and nothing may follow it.
    package var isFinished: Bool { constraint?.isFinished ?? false }

    /// Chooses the next token under the grammar (if any) and moves the grammar past it.
    /// - Parameters:
    ///   - remaining: tokens left in the budget, this one included (the grammar closes the answer in time).
    /// - Returns: the token, or nil when the grammar allows none.
    package mutating func next(_ logits: [Float], history: [Int], remaining: Int? = nil) -> Int? {
        guard constraint != nil else { return sample(logits, history: history) }
        let clock = ContinuousClock()
        var id = sample(logits, history: history)
        var start = clock.now
        if constraint?.allows(id, remaining: remaining) != true {
            var masked = logits
            constraint?.mask(&masked, remaining: remaining)
            constraintDuration += clock.now - start
            guard masked.contains(where: { $0 > -.infinity }) else { return nil }
            id = sample(masked, history: history)
            guard masked.indices.contains(id), masked[id] > -.infinity else { return nil }
            start = clock.now
        }
        constraint?.accept(id)
        constraintDuration += clock.now - start
        return id
    }

    /// A token and its (unnormalised, post-penalty) logit.
    struct Candidate {
        var id: Int
        var logit: Float
        var p: Float = 0
    }

    /// Chooses the next token.
    /// - Parameters:
    ///   - logits: one value per vocabulary entry (not modified).
    ///   - history: tokens so far (prompt and generated); penalties look at its tail.
    package mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        guard !logits.isEmpty else { return 0 }
        var penalised = logits
        applyPenalties(&penalised, history: history)
        if options.temperature <= 0 { return Self.argmax(penalised) }

        var candidates = Self.topK(penalised, k: options.topK)
        Self.softmax(&candidates)
        if options.typicalP > 0 && options.typicalP < 1 { Self.typical(&candidates, p: options.typicalP) }
        if options.topP > 0 && options.topP < 1 { Self.topP(&candidates, p: options.topP) }
        if options.minP > 0 && options.minP <= 1 { Self.minP(&candidates, p: options.minP) }
        for i in candidates.indices { candidates[i].logit /= options.temperature }
        Self.softmax(&candidates)
        var r = Float(random.nextUnit())
        for c in candidates {
            r -= c.p
            if r < 0 { return c.id }
        }
        return candidates.last?.id ?? Self.argmax(penalised)
    }

    /// repeat_penalty divides positive logits and multiplies negative ones of every token seen in
    /// the last repeat_last_n; frequency subtracts per occurrence, presence once.
    func applyPenalties(_ logits: inout [Float], history: [Int]) {
        let window = options.repeatLastN < 0 ? options.numCtx : options.repeatLastN
        guard window > 0, !history.isEmpty,
              options.repeatPenalty != 1 || options.frequencyPenalty != 0 || options.presencePenalty != 0 else { return }
        var counts: [Int: Int] = [:]
        for id in history.suffix(window) where logits.indices.contains(id) { counts[id, default: 0] += 1 }
        for (id, count) in counts {
            var l = logits[id]
            l = l <= 0 ? l * options.repeatPenalty : l / options.repeatPenalty
            l -= Float(count) * options.frequencyPenalty + options.presencePenalty
            logits[id] = l
        }
    }

    static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
    }

    /// The k best candidates, best first (all of them, sorted, when k <= 0).
    static func topK(_ logits: [Float], k: Int) -> [Candidate] {
        let all = logits.indices.map { Candidate(id: $0, logit: logits[$0]) }
        let better: (Candidate, Candidate) -> Bool = { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        guard k > 0, k < all.count else { return all.sorted(by: better) }
        // Keep a small sorted buffer: cheaper than sorting a 262k vocabulary for k = 40.
        var top: [Candidate] = []
        top.reserveCapacity(k + 1)
        for c in all where top.count < k || better(c, top[top.count - 1]) {
            let at = top.firstIndex { better(c, $0) } ?? top.count
            top.insert(c, at: at)
            if top.count > k { top.removeLast() }
        }
        return top
    }

    /// Probabilities from logits; candidates stay in their (best-first) order.
    static func softmax(_ candidates: inout [Candidate]) {
        guard let maxLogit = candidates.map(\.logit).max() else { return }
        var sum: Float = 0
        for i in candidates.indices {
            candidates[i].p = expf(candidates[i].logit - maxLogit)
            sum += candidates[i].p
        }
        for i in candidates.indices { candidates[i].p /= sum }
    }

    /// Smallest best-first prefix whose probability reaches p (at least one).
    static func topP(_ candidates: inout [Candidate], p: Float) {
        var cumulative: Float = 0
        for i in candidates.indices {
            cumulative += candidates[i].p
            if cumulative >= p { candidates.removeSubrange((i + 1)...); return }
        }
    }

    /// Drops candidates below p times the best probability.
    static func minP(_ candidates: inout [Candidate], p: Float) {
        guard let best = candidates.map(\.p).max() else { return }
        let kept = candidates.filter { $0.p >= p * best }
        if !kept.isEmpty { candidates = kept }
    }

    /// Locally typical sampling: keep tokens whose surprise is closest to the entropy until their
    /// mass reaches p; the result is ordered by that closeness, as llama.cpp leaves it.
    static func typical(_ candidates: inout [Candidate], p: Float) {
        var entropy: Float = 0
        for c in candidates where c.p > 0 { entropy -= c.p * logf(c.p) }
        let scored = candidates.map { c in (c, abs(-logf(c.p) - entropy)) }.sorted { $0.1 < $1.1 }
        var cumulative: Float = 0
        var kept: [Candidate] = []
        for (c, _) in scored {
            kept.append(c)
            cumulative += c.p
            if cumulative >= p { break }
        }
        candidates = kept
    }
}
