// The checks a model file must pass before it is run: the same code `LlamaModel` and the tokenizer use
// at load, callable on its own so `mfc build` refuses a model that `mfc run` would refuse.

/// Checks a GGUF model's metadata, tensor shapes and vocabulary without reading its weights.
package enum ModelValidation {
    /// Checks everything loading `gguf` for a run would check, except what depends on this machine
    /// (instruction set, memory for the context).
    /// - Throws: `ModelError` naming the key or tensor that is wrong.
    package static func check(_ gguf: GGUFFile) throws(ModelError) {
        let config = try LlamaConfig(gguf: gguf)
        _ = try WeightPlan(gguf: gguf, config: config)
        // The keys alone: building the vocabulary's tables costs more than the rest of a build's checks.
        let tokenizer: GGUFTokenizerKeys
        do { tokenizer = try GGUFTokenizerKeys(gguf: gguf) } catch { throw ModelError(description: error.message) }
        try checkFit(tokenCount: tokenizer.count, config)
    }

    /// The tokenizer must name exactly the tokens the model scores (llama.cpp requires the same).
    /// - Throws: `ModelError` when the counts differ.
    package static func checkFit(_ vocabulary: Vocabulary, _ config: LlamaConfig) throws(ModelError) {
        try checkFit(tokenCount: vocabulary.count, config)
    }

    static func checkFit(tokenCount: Int, _ config: LlamaConfig) throws(ModelError) {
        guard tokenCount == config.vocabularySize else {
            throw ModelError(description: "tokenizer.ggml.tokens has \(tokenCount) tokens, but the model's vocabulary "
                             + "(token_embd.weight) has \(config.vocabularySize)")
        }
    }
}
