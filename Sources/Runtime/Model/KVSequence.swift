// One sequence the model decodes: its KV cache and how many positions of it are filled. A model
// decodes several sequences in one forward pass (`LlamaModel.forward(_:)`), each at its own position.

/// A token sequence's cached positions, created by `LlamaModel.makeSequence`.
package final class KVSequence: @unchecked Sendable {
    let cache: KVCache
    /// Positions currently in the cache.
    package internal(set) var cachedCount = 0 { didSet { if tokens.count > cachedCount { tokens.removeSubrange(cachedCount...) } } }
    /// The tokens whose keys and values the cache holds, position by position (what a new prompt may share).
    package private(set) var tokens: [Int32] = []

    init(cache: KVCache) { self.cache = cache }

    /// Positions the cache can hold (num_ctx).
    package var contextLength: Int { cache.contextLength }

    /// Bytes of the positions in use (what the cache costs now).
    package var bytesInUse: Int { cachedCount * cache.bytesPerPosition }

    /// Bytes one more cached position costs.
    package var bytesPerPosition: Int { cache.bytesPerPosition }

    /// Forgets every cached position and returns their memory.
    package func reset() {
        cachedCount = 0
        cache.release(from: 0)
    }

    /// Takes the first `count` cached positions of `other` (a sequence of the same model) as its own, so a
    /// prompt sharing that prefix need not evaluate it again; positions past `count` are forgotten.
    /// Neither sequence may be in a forward pass meanwhile.
    package func copyPrefix(_ count: Int, from other: KVSequence) {
        let n = min(max(0, count), other.cachedCount, contextLength)
        cache.copyPositions(n, from: other.cache)
        cachedCount = n
        tokens = Array(other.tokens.prefix(n))
    }

    /// Records that `evaluated` now sit at positions `start...` (called by the forward pass once they are cached).
    func record(_ evaluated: [Int32], at start: Int) {
        if tokens.count > start { tokens.removeSubrange(start...) }
        guard tokens.count == start else { tokens = []; return }   // an unknown gap: claim nothing
        tokens += evaluated
    }

    /// Keeps only the first `count` cached positions.
    package func truncate(to count: Int) { cachedCount = min(max(0, count), cachedCount) }
}

/// Tokens of one sequence to evaluate in a batched forward pass.
package struct SequenceStep {
    package let sequence: KVSequence
    package let tokens: [Int32]
    /// Position of the first token; earlier positions must be cached, later ones are dropped.
    package let startPosition: Int
    /// Return logits for every token (tokens × vocabulary) instead of the last only.
    package let allLogits: Bool

    package init(sequence: KVSequence, tokens: [Int32], startPosition: Int, allLogits: Bool = false) {
        self.sequence = sequence
        self.tokens = tokens
        self.startPosition = startPosition
        self.allLogits = allLogits
    }
}

/// A run of consecutive tokens of one sequence inside one batch of the forward pass.
struct BatchSegment {
    let sequence: KVSequence
    /// Index of the step it comes from, and of its first token within that step.
    let step: Int
    let tokenOffset: Int
    /// First row in the batch, rows, and the position of the first.
    let firstRow: Int
    let count: Int
    let position: Int
    /// Rows (within the segment) whose logits are wanted.
    let outputRows: Range<Int>
}
