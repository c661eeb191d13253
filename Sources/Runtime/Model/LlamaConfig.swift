// Hyperparameters of a llama-family model, read from GGUF metadata through one table of keys.

/// The architecture variants the forward pass implements.
package enum ModelFamily: String, Sendable {
    /// llama, mistral-style, SmolLM: RoPE on adjacent pairs, SwiGLU.
    case llama
    /// qwen2: RoPE NeoX layout, Q/K/V biases.
    case qwen2
    /// gemma: NeoX RoPE, scaled embeddings, GELU.
    case gemma
    /// gemma2: gemma + post norms, attention and final logit softcapping, sliding window on alternating layers.
    case gemma2
    /// gemma3: NeoX RoPE, Q/K norms, post norms, scaled embeddings, GELU, interleaved sliding window.
    case gemma3
    /// phi3: fused Q|K|V and gate|up matrices, NeoX RoPE with LongRoPE factors and magnitude factor.
    case phi3
}

/// Shapes and constants of a model (llama.cpp's `llama_hparams`).
package struct LlamaConfig: Sendable, Equatable {
    package var family: ModelFamily
    package var layerCount: Int
    package var embeddingLength: Int          // d_model
    package var feedForwardLength: Int
    package var headCount: Int
    package var kvHeadCount: Int
    package var headDimension: Int            // key_length (= value_length here)
    package var ropeDimension: Int            // rotated dimensions per head
    package var ropeBase: Float
    package var ropeBaseLocal: Float          // sliding-window layers (gemma3)
    package var ropeScale: Float              // 1 / linear scaling factor
    package var rmsEpsilon: Float
    package var trainedContextLength: Int
    package var vocabularySize: Int
    package var slidingWindow: Int            // 0 = none
    /// Every `slidingWindowPattern`-th layer (the last of each group) has full attention; 0 = none.
    package var slidingWindowPattern: Int
    package var finalLogitSoftcap: Float      // 0 = none
    /// Attention scores become c·tanh(s/c) before the mask and softmax (gemma2); 0 = none.
    package var attentionLogitSoftcap: Float
    /// Factor on Q before attention in the families that scale it there (`scalesQueryBeforeAttention`).
    package var queryScale: Float
    /// RoPE cos/sin magnitude (rope.scaling.attn_factor; phi3's LongRoPE writes √(1 + ln s / ln n₀)).
    package var ropeAttentionFactor: Float
    /// Context the RoPE factors were trained for: longer caches take the long factors (llama.cpp's n_ctx_orig_yarn).
    package var ropeOriginalContextLength: Int

    /// The gemmas and phi3 scale Q by `queryScale` before attention, which then uses a scale of 1 (llama.cpp's graphs).
    package var scalesQueryBeforeAttention: Bool { isGemma || family == .phi3 }
    /// gemma, gemma2 and gemma3: embeddings scaled by √d and a GELU feed-forward.
    package var isGemma: Bool { family == .gemma || family == .gemma2 || family == .gemma3 }
    /// gemma2 and gemma3 normalize the attention and feed-forward outputs before each residual add.
    package var hasPostNorms: Bool { family == .gemma2 || family == .gemma3 }

    /// llama.cpp's rope type for the family: NORM rotates (2i, 2i+1), NeoX rotates (i, i + n/2).
    package var ropeIsNeoX: Bool { family != .llama }
    package var qDimension: Int { headCount * headDimension }
    package var kvDimension: Int { kvHeadCount * headDimension }

    /// Whether layer `layer` attends through the sliding window (gemma3: all but every 6th; gemma2: even layers).
    package func isSlidingWindowLayer(_ layer: Int) -> Bool {
        slidingWindow > 0 && slidingWindowPattern > 0 && layer % slidingWindowPattern < slidingWindowPattern - 1
    }

    /// The `general.architecture` values the runtime implements, and their family.
    static let families: [String: ModelFamily] = [
        "llama": .llama, "mistral": .llama, "qwen2": .qwen2, "gemma": .gemma, "gemma2": .gemma2, "gemma3": .gemma3, "phi3": .phi3,
    ]

    /// Whether the runtime implements `architecture` (so `LlamaConfig(gguf:)` can check such a file).
    package static func supports(architecture: String) -> Bool { families[architecture] != nil }

    /// Reads the configuration of `gguf`, checking every key's type and range and the shapes they imply.
    /// - Throws: `ModelError` naming the key that is missing, of the wrong type or out of range, or the
    ///   keys that disagree (heads that KV heads do not divide, a RoPE wider than a head, ...).
    package init(gguf: GGUFFile) throws(ModelError) {
        guard let archValue = gguf["general.architecture"] else { throw ModelError(description: "general.architecture is missing") }
        guard let arch = archValue.string else {
            throw ModelError(description: "general.architecture is \(ArchitectureKeys.kind(of: archValue)), expected a string")
        }
        guard let family = Self.families[arch] else {
            throw ModelError(description: "unsupported architecture '\(arch)' (\(Self.families.keys.sorted().joined(separator: ", ")))")
        }
        self.family = family
        let keys = ArchitectureKeys(gguf: gguf, architecture: arch)
        let positive = 1...ArchitectureKeys.largestDimension
        layerCount = try keys.integer("block_count", in: 1...Int.max)
        // Every block has several tensors, so a block count above the tensor count cannot be satisfied.
        guard layerCount <= gguf.tensors.count else {
            throw ModelError(description: "\(keys.name("block_count")) is \(layerCount), but the file has only \(gguf.tensors.count) tensors")
        }
        embeddingLength = try keys.integer("embedding_length", in: positive)
        feedForwardLength = try keys.integer("feed_forward_length", in: positive)
        headCount = try keys.integer("attention.head_count", in: positive)
        kvHeadCount = try keys.integer("attention.head_count_kv", in: positive, default: headCount)
        guard headCount % kvHeadCount == 0 else {
            throw ModelError(description: "\(keys.name("attention.head_count_kv")) (\(kvHeadCount)) does not divide "
                             + "\(keys.name("attention.head_count")) (\(headCount))")
        }
        headDimension = try keys.integer("attention.key_length", in: positive, default: embeddingLength / headCount)
        guard headDimension > 0 else {
            throw ModelError(description: "\(keys.name("embedding_length")) (\(embeddingLength)) is smaller than "
                             + "\(keys.name("attention.head_count")) (\(headCount)), so a head has no dimensions")
        }
        ropeDimension = try keys.integer("rope.dimension_count", in: 0...headDimension, default: headDimension)
        guard ropeDimension % 2 == 0 else { throw ModelError(description: "\(keys.name("rope.dimension_count")) is \(ropeDimension), expected an even number") }
        ropeBase = try keys.float("rope.freq_base", default: 10_000)
        let scaling = try keys.string("rope.scaling.type")
        // llama.cpp reads a factor of 0 as no scaling.
        let factor = try keys.float("rope.scaling.factor", default: 1, expected: "0 (none) or a positive number") { $0 >= 0 }
        ropeScale = (scaling == nil || scaling == "linear") && factor > 0 ? 1 / factor : 1
        rmsEpsilon = try keys.float("attention.layer_norm_rms_epsilon", default: 1e-5)
        trainedContextLength = try keys.integer("context_length", in: positive, default: 2048)
        ropeAttentionFactor = try keys.float("rope.scaling.attn_factor", default: 1)
        ropeOriginalContextLength = try keys.integer("rope.scaling.original_context_length", in: positive, default: trainedContextLength)
        let embeddingRows = gguf.tensor(named: "token_embd.weight")?.dimensions.last
        // Token ids are Int32, so a vocabulary never exceeds Int32.max entries.
        vocabularySize = try keys.integer("vocab_size", in: positive, default: embeddingRows ?? 0)
        if let embeddingRows, embeddingRows != vocabularySize {
            throw ModelError(description: "\(keys.name("vocab_size")) is \(vocabularySize), but token_embd.weight has \(embeddingRows) rows")
        }
        guard vocabularySize > 0 else { throw ModelError(description: "tensor token_embd.weight is missing") }
        guard positive.contains(vocabularySize) else {
            throw ModelError(description: "tensor token_embd.weight has \(vocabularySize) rows, more than token ids can number")
        }
        // llama.cpp's defaults: gemma2 always softcaps (50 on scores, 30 on logits) unless the file says otherwise.
        let softcap = "0 (none) or a positive number"
        finalLogitSoftcap = try keys.float("final_logit_softcapping", default: family == .gemma2 ? 30 : 0, expected: softcap) { $0 >= 0 }
        attentionLogitSoftcap = family == .gemma2 ? try keys.float("attn_logit_softcapping", default: 50, expected: softcap) { $0 >= 0 } : 0
        // llama.cpp ignores query_pre_attn_scalar: Q is scaled by 1/√(head dim), except for Gemma 2 27B
        // (46 layers, recognized by its layer count as llama.cpp does) whose scale is 1/√(d / heads).
        queryScale = family == .gemma2 && layerCount == 46
            ? 1 / Float(embeddingLength / headCount).squareRoot() : 1 / Float(headDimension).squareRoot()
        let window = 0...ArchitectureKeys.largestDimension
        if family == .gemma3 {
            // llama.cpp hard-codes these for gemma3: local layers use base 10000, 5 local per global.
            ropeBaseLocal = 10_000
            slidingWindow = try keys.integer("attention.sliding_window", in: window, default: 0)
            slidingWindowPattern = 6
        } else if family == .gemma2 {
            // Even layers slide (llama.cpp's swa pattern 2) over a 4096 window unless the file names another.
            ropeBaseLocal = try keys.float("rope.freq_base_swa", default: ropeBase)
            slidingWindow = try keys.integer("attention.sliding_window", in: window, default: 4096)
            slidingWindowPattern = 2
        } else {
            ropeBaseLocal = ropeBase
            slidingWindow = 0
            slidingWindowPattern = 0
        }
    }
}
