/// Grammar-constrained token choice for one sequence (Ollama's `format`): which tokens may come next
/// so that the text stays a prefix of a sentence of the grammar, and when the sentence is complete.
///
/// - End-of-generation tokens are allowed only where the text is a whole sentence.
/// - With a budget (tokens left before num_predict), a token is allowed only if the sentence can still
///   be completed within the budget, one byte per token, so strings and containers close before the
///   budget runs out. This is checked only near the end of the budget (`closingSlack`), where it matters.
/// - A model that repeats itself inside the answer (a run of tokens equal to those `p` before, for a
///   period `p` up to 64, at least `max(32, 2p)` long: three periods or more) is brought to a close:
///   from then on every token must shorten the way to a complete value, so a loop inside a string
///   ends in a closed, parseable answer instead of running to num_predict. (mfc's addition: Ollama
///   and llama.cpp let such a loop run to the budget.)
/// - Masks are cached by parse state: inside one string every token sees the same state, so the
///   vocabulary is walked once for it.
package struct TokenConstraint: Sendable {
    package private(set) var matcher: GrammarMatcher
    package let trie: TokenTrie
    private var cache: [[Int32]: [UInt64]] = [:]
    /// Walks of the whole vocabulary so far (the rest came from the cache or the first-choice check).
    package private(set) var vocabularyWalks = 0
    static let cacheLimit = 64
    /// The latest tokens (at most `maxPeriod`) and, per period p, how many tokens in a row equalled the one p before.
    private var recent: [Int] = []
    private var runs = [Int](repeating: 0, count: maxPeriod + 1)
    static let maxPeriod = 64
    /// True once a repetition was seen: the answer is being closed.
    package private(set) var isClosing = false
    /// Tokens of budget beyond the shortest completion (and the longest piece) where the budget is not yet checked.
    static let closingSlack = 64

    package init(grammar: Grammar, trie: TokenTrie) {
        matcher = GrammarMatcher(grammar)
        self.trie = trie
    }

    /// True once the text is a whole sentence that nothing may extend: generation ends.
    package var isFinished: Bool { matcher.isAccepting && !matcher.canContinue }

    /// Whether `token` may come next, with `remaining` tokens left in the budget (this one included).
    package mutating func allows(_ token: Int, remaining: Int?) -> Bool {
        if trie.endOfGeneration.contains(token) { return matcher.isAccepting }
        guard trie.pieces.indices.contains(token), !trie.pieces[token].isEmpty else { return false }
        let mark = matcher.frameMark
        defer { matcher.rewind(to: mark); matcher.scratch.removeAll(keepingCapacity: true) }
        matcher.scratch += matcher.tops
        var range = 0..<matcher.scratch.count
        for b in trie.pieces[token] {
            range = matcher.step(range, b)
            if range.isEmpty { return false }
        }
        guard let bound = budgetBound(remaining) else { return true }
        return minimumCost(range) <= bound
    }

    /// Sets to -infinity the logit of every token that may not come next.
    package mutating func mask(_ logits: inout [Float], remaining: Int?) {
        let allowed = allowedTokens(remaining: remaining)
        logits.withUnsafeMutableBufferPointer { l in
            for id in l.indices where (allowed[id >> 6] >> UInt64(id & 63)) & 1 == 0 { l[id] = -.infinity }
        }
    }

    /// Moves past text that is already there; false (and no change) when the grammar rejects it.
    package mutating func feed(_ bytes: [UInt8]) -> Bool { matcher.feed(bytes) }

    /// Moves past `token` (which `allows` said may come).
    package mutating func accept(_ token: Int) {
        guard trie.pieces.indices.contains(token) else { return }
        _ = matcher.feed(trie.pieces[token])
        noteRepetition(token)
    }

    private mutating func noteRepetition(_ token: Int) {
        for p in 1...Self.maxPeriod {
            guard p <= recent.count else { runs[p] = 0; continue }
            runs[p] = recent[recent.count - p] == token ? runs[p] + 1 : 0
            if runs[p] >= max(32, 2 * p) { isClosing = true }
        }
        recent.append(token)
        if recent.count > Self.maxPeriod { recent.removeFirst() }
    }

    /// The most the shortest completion may cost after the next token, or nil while the budget is far.
    private func budgetBound(_ remaining: Int?) -> Int32? {
        let now = matcher.minimumCompletion
        if isClosing { return Int32(max(0, now - 1)) }
        guard let remaining else { return nil }
        guard remaining <= now + trie.maxPieceLength + Self.closingSlack else { return nil }
        // Out of budget already: at least get closer to the end with every token.
        return Int32(max(remaining - 1, now - 1))
    }

    private func minimumCost(_ range: Range<Int>) -> Int32 {
        var best = Grammar.unreachable
        for i in range { best = min(best, matcher.cost(matcher.scratch[i])) }
        return best
    }

    /// One bit per token id: may it come next.
    private mutating func allowedTokens(remaining: Int?) -> [UInt64] {
        let bound = budgetBound(remaining)
        let key = bound == nil ? stateKey() : []
        if bound == nil, let cached = cache[key] { return cached }
        var bits = [UInt64](repeating: 0, count: (trie.pieces.count + 63) / 64)
        walkVocabulary(&bits, bound: bound)
        let accepting = matcher.isAccepting
        for id in trie.endOfGeneration where id < trie.pieces.count {
            if accepting { bits[id >> 6] |= 1 << UInt64(id & 63) } else { bits[id >> 6] &= ~(1 << UInt64(id & 63)) }
        }
        if bound == nil {
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = bits
        }
        return bits
    }

    /// The parse state as the elements of every stack, top to bottom: equal keys allow equal tokens.
    private func stateKey() -> [Int32] {
        var key: [Int32] = []
        for t in matcher.tops {
            key.append(contentsOf: matcher.elements(of: t))
            key.append(-2)
        }
        return key
    }

    /// Depth-first over the vocabulary trie, stepping the parse stacks one byte per edge and skipping
    /// every subtree whose prefix no stack accepts. Bytes that lead from the starting state back to the
    /// same stacks (the characters of a string, say) are not stepped: the level keeps the starting stacks.
    private mutating func walkVocabulary(_ bits: inout [UInt64], bound: Int32?) {
        vocabularyWalks += 1
        let mark = matcher.frameMark
        matcher.scratch.removeAll(keepingCapacity: true)
        matcher.scratch += matcher.tops
        let start = 0..<matcher.scratch.count
        let loops = selfLoops(start)
        let depthLimit = trie.maxPieceLength + 1
        var level = [Range<Int>](repeating: start, count: depthLimit)
        var frameMarks = [Int](repeating: mark, count: depthLimit)
        var atStart = [Bool](repeating: false, count: depthLimit)
        atStart[0] = true
        let startAllowed = bound.map { minimumCost(start) <= $0 } ?? true
        let trie = self.trie
        var node = 1
        while node < trie.nodeCount {
            let d = Int(trie.depth[node])
            let byte = trie.byte[node]
            var allowed: Bool
            if atStart[d - 1] && loops.contains(byte) {
                level[d] = start
                frameMarks[d] = mark
                atStart[d] = true
                allowed = startAllowed
            } else {
                let parent = level[d - 1]
                matcher.scratch.removeLast(matcher.scratch.count - parent.upperBound)
                matcher.rewind(to: frameMarks[d - 1])
                let range = matcher.step(parent, byte)
                if range.isEmpty {
                    node = Int(trie.subtreeEnd[node])
                    continue
                }
                level[d] = range
                frameMarks[d] = matcher.frameMark
                atStart[d] = false
                allowed = true
                if let bound, trie.tokenStart[node] < trie.tokenStart[node + 1] { allowed = minimumCost(range) <= bound }
            }
            if allowed {
                for t in trie.tokens[Int(trie.tokenStart[node])..<Int(trie.tokenStart[node + 1])] {
                    bits[Int(t) >> 6] |= 1 << UInt64(t & 63)
                }
            }
            node += 1
        }
        matcher.rewind(to: mark)
        matcher.scratch.removeAll(keepingCapacity: true)
    }

    /// The bytes after which the stacks in `scratch[start]` are the same stacks again (compared by
    /// their elements, which is all that decides what may follow).
    private mutating func selfLoops(_ start: Range<Int>) -> ByteSet {
        let mark = matcher.frameMark, end = matcher.scratch.count
        let key = structure(start)
        var loops = ByteSet()
        for b in 0...255 {
            let r = matcher.step(start, UInt8(b))
            if !r.isEmpty && structure(r) == key { loops.insert(UInt8(b)) }
            matcher.scratch.removeLast(matcher.scratch.count - end)
            matcher.rewind(to: mark)
        }
        return loops
    }

    private func structure(_ range: Range<Int>) -> [[Int32]] {
        range.map { matcher.elements(of: matcher.scratch[$0]) }.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
