extension LlamaModel {
    /// The embedding of a text for `/api/embed`: the last token's hidden state after the final norm,
    /// with `tokens` evaluated from position 0 (the cache is overwritten; callers reset their prefix).
    /// - Throws: `ModelError` for an empty or out-of-vocabulary input, or one longer than the context.
    package func embedding(_ tokens: [Int]) throws(ModelError) -> [Float] {
        _ = try forward(tokens: tokens.map { Int32(clamping: $0) }, startPosition: 0)
        return Array(UnsafeBufferPointer(start: state.xb, count: config.embeddingLength))
    }
}
