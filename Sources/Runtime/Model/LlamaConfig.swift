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

    /// Reads the configuration of `gguf`.
    /// - Throws: `ModelError` when the architecture is unsupported or a required key is missing.
    package init(gguf: GGUFFile) throws(ModelError) {
        guard let arch = gguf.architecture else { throw ModelError(description: "general.architecture is missing") }
        switch arch {
        case "llama", "mistral": family = .llama
        case "qwen2": family = .qwen2
        case "gemma": family = .gemma
        case "gemma2": family = .gemma2
        case "gemma3": family = .gemma3
        case "phi3": family = .phi3
        default: throw ModelError(description: "unsupported architecture '\(arch)' (llama, mistral, qwen2, gemma, gemma2, gemma3, phi3)")
        }
        func int(_ key: String) throws(ModelError) -> Int {
            guard let v = gguf.archValue(key)?.int, v > 0 else { throw ModelError(description: "\(arch).\(key) is missing") }
            return v
        }
        func float(_ key: String, _ fallback: Float) -> Float {
            gguf.archValue(key)?.double.map { Float($0) } ?? fallback
        }
        layerCount = try int("block_count")
        embeddingLength = try int("embedding_length")
        feedForwardLength = try int("feed_forward_length")
        headCount = try int("attention.head_count")
        kvHeadCount = gguf.archValue("attention.head_count_kv")?.int ?? headCount
        headDimension = gguf.archValue("attention.key_length")?.int ?? embeddingLength / headCount
        ropeDimension = gguf.archValue("rope.dimension_count")?.int ?? headDimension
        ropeBase = float("rope.freq_base", 10_000)
        let scaling = gguf.archValue("rope.scaling.type")?.string
        let factor = float("rope.scaling.factor", 1)
        ropeScale = (scaling == nil || scaling == "linear") && factor > 0 ? 1 / factor : 1
        rmsEpsilon = float("attention.layer_norm_rms_epsilon", 1e-5)
        trainedContextLength = gguf.archValue("context_length")?.int ?? 2048
        ropeAttentionFactor = float("rope.scaling.attn_factor", 1)
        ropeOriginalContextLength = gguf.archValue("rope.scaling.original_context_length")?.int ?? trainedContextLength
        let embedding = gguf.tensor(named: "token_embd.weight")
        vocabularySize = gguf.archValue("vocab_size")?.int ?? embedding?.dimensions.last ?? 0
        // llama.cpp's defaults: gemma2 always softcaps (50 on scores, 30 on logits) unless the file says otherwise.
        finalLogitSoftcap = float("final_logit_softcapping", family == .gemma2 ? 30 : 0)
        attentionLogitSoftcap = family == .gemma2 ? float("attn_logit_softcapping", 50) : 0
        // llama.cpp ignores query_pre_attn_scalar: Q is scaled by 1/√(head dim), except for Gemma 2 27B
        // (46 layers, recognized by its layer count as llama.cpp does) whose scale is 1/√(d / heads).
        queryScale = family == .gemma2 && layerCount == 46
            ? 1 / Float(embeddingLength / headCount).squareRoot() : 1 / Float(headDimension).squareRoot()
        if family == .gemma3 {
            // llama.cpp hard-codes these for gemma3: local layers use base 10000, 5 local per global.
            ropeBaseLocal = 10_000
            slidingWindow = gguf.archValue("attention.sliding_window")?.int ?? 0
            slidingWindowPattern = 6
        } else if family == .gemma2 {
            // Even layers slide (llama.cpp's swa pattern 2) over a 4096 window unless the file names another.
            ropeBaseLocal = float("rope.freq_base_swa", ropeBase)
            slidingWindow = gguf.archValue("attention.sliding_window")?.int ?? 4096
            slidingWindowPattern = 2
        } else {
            ropeBaseLocal = ropeBase
            slidingWindow = 0
            slidingWindowPattern = 0
        }
        guard kvHeadCount > 0, headDimension > 0, headCount % kvHeadCount == 0, ropeDimension <= headDimension, ropeDimension % 2 == 0, vocabularySize > 0 else {
            throw ModelError(description: "inconsistent attention shape: \(headCount) heads, \(kvHeadCount) KV heads, rope \(ropeDimension) of \(headDimension)")
        }
    }
}
