import Runtime

/// How one Hugging Face architecture maps onto a GGUF architecture: tensor names, the rotary
/// Q/K row permutation (llama only) and gemma's +1 on norm weights.
package struct HFArchitecture: Sendable, Equatable {
    /// GGUF `general.architecture`.
    package let ggufName: String
    /// Rows of Q and K are permuted back to llama.cpp's interleaved RoPE layout.
    package let permutesQK: Bool
    /// `*_norm.weight` is stored as weight + 1 (gemma's RMSNorm multiplies by 1 + w).
    package let normOffset: Bool
    /// gemma2/gemma3 name their four per-layer norms differently.
    let sandwichNorms: Bool

    /// The supported `architectures[0]` values of config.json.
    package static let supported: [String: HFArchitecture] = [
        "LlamaForCausalLM": .init(ggufName: "llama", permutesQK: true, normOffset: false, sandwichNorms: false),
        "MistralForCausalLM": .init(ggufName: "llama", permutesQK: true, normOffset: false, sandwichNorms: false),
        "Qwen2ForCausalLM": .init(ggufName: "qwen2", permutesQK: false, normOffset: false, sandwichNorms: false),
        "GemmaForCausalLM": .init(ggufName: "gemma", permutesQK: false, normOffset: true, sandwichNorms: false),
        "Gemma2ForCausalLM": .init(ggufName: "gemma2", permutesQK: false, normOffset: true, sandwichNorms: true),
        "Gemma3ForCausalLM": .init(ggufName: "gemma3", permutesQK: false, normOffset: true, sandwichNorms: true),
        // Gemma 3 4B and up: the text model only (the vision tower belongs in a projector file).
        "Gemma3ForConditionalGeneration": .init(ggufName: "gemma3", permutesQK: false, normOffset: true, sandwichNorms: true),
        "Phi3ForCausalLM": .init(ggufName: "phi3", permutesQK: false, normOffset: false, sandwichNorms: false),
    ]

    /// The GGUF name of an HF tensor; nil for tensors that are dropped (rotary caches).
    /// - Throws: `StoreError` for a tensor this architecture does not know.
    package func ggufName(of hfName: String) throws(StoreError) -> String? {
        if hfName.hasSuffix("rotary_emb.inv_freq") { return nil }
        // A multimodal checkpoint nests the text model (language_model.model.* before transformers 4.52 and
        // in 5, model.language_model.* between) beside vision tensors, which the text GGUF leaves out.
        for vision in ["vision_tower.", "multi_modal_projector.", "model.vision_tower.", "model.multi_modal_projector."] where hfName.hasPrefix(vision) {
            return nil
        }
        for (nested, plain) in [("language_model.model.", "model."), ("model.language_model.", "model."), ("language_model.lm_head.", "lm_head.")]
        where hfName.hasPrefix(nested) {
            return try ggufName(of: plain + hfName.dropFirst(nested.count))
        }
        let global = ["model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
                      "lm_head.weight": "output.weight"]
        if let name = global[hfName] { return name }
        let parts = hfName.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]), layer >= 0 else {
            throw StoreError("unexpected tensor '\(hfName)' for architecture \(ggufName)")
        }
        let rest = parts[3...].joined(separator: ".")
        var map = [
            "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
            "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
            "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
        ]
        if ggufName == "phi3" {   // llama.cpp keeps Phi-3's fused projections fused
            map["self_attn.qkv_proj"] = "attn_qkv"
            map["mlp.gate_up_proj"] = "ffn_up"
        }
        if sandwichNorms {
            map["post_attention_layernorm"] = "post_attention_norm"
            map["pre_feedforward_layernorm"] = "ffn_norm"
            map["post_feedforward_layernorm"] = "post_ffw_norm"
            map["self_attn.q_norm"] = "attn_q_norm"
            map["self_attn.k_norm"] = "attn_k_norm"
        }
        for suffix in [".weight", ".bias"] where rest.hasSuffix(suffix) {
            if let base = map[String(rest.dropLast(suffix.count))] { return "blk.\(layer).\(base)\(suffix)" }
        }
        throw StoreError("unexpected tensor '\(hfName)' for architecture \(ggufName)")
    }
}

/// Reorders the rows of a Q or K projection from HF's half-split RoPE layout to llama.cpp's
/// interleaved one: rows viewed as [heads, 2, headDim/2] become [heads, headDim/2, 2].
/// - Returns: for each output row, the input row it comes from.
package func ropeRowPermutation(rows: Int, heads: Int) -> [Int]? {
    guard heads > 0, rows % heads == 0, (rows / heads) % 2 == 0 else { return nil }
    let headDim = rows / heads, half = headDim / 2
    var source = [Int](repeating: 0, count: rows)
    for h in 0..<heads {
        for i in 0..<half {
            for j in 0..<2 { source[h * headDim + 2 * i + j] = h * headDim + j * half + i }
        }
    }
    return source
}
