/// A model that turns token ids into next-token logits, keeping a KV cache of past positions.
///
/// `LlamaModel` is the real one; tests use small fakes.
package protocol TokenPredictor: AnyObject {
    /// Positions the cache can hold (num_ctx).
    var contextLength: Int { get }
    /// Vocabulary entries per logits row.
    var vocabularySize: Int { get }
    /// Evaluates `tokens` at positions `start...` (positions before `start` must already be cached;
    /// later ones are forgotten) and returns the logits after the last of them.
    func predict(_ tokens: [Int], from start: Int) throws -> [Float]
    /// Called when a generation ends, so a predictor that batches several sequences stops waiting for this one.
    func endGeneration()
}

extension TokenPredictor {
    package func endGeneration() {}
}
