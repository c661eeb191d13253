import Foundation
@testable import Builder

/// A one-layer checkpoint in Hugging Face layout with deterministic F32 weights, for import tests
/// that care about metadata and tokenizers rather than numbers.
struct TinyCheckpoint {
    var architecture = "LlamaForCausalLM"
    var vocabulary = 16
    var hidden = 8, intermediate = 16, heads = 2, kvHeads = 1
    /// Extra config.json members, JSON text without braces (`"head_dim":4`).
    var extraConfig = ""
    /// gemma2/gemma3 sandwich norms and gemma3's Q/K norms.
    var sandwichNorms = false, qkNorms = false

    var headDim: Int { hidden / heads }

    /// Writes config.json and model.safetensors into `dir`.
    func write(to dir: String) throws {
        let extra = extraConfig.isEmpty ? "" : "," + extraConfig
        try """
        {"architectures":["\(architecture)"],"hidden_size":\(hidden),"intermediate_size":\(intermediate),"num_hidden_layers":1,
         "num_attention_heads":\(heads),"num_key_value_heads":\(kvHeads),"max_position_embeddings":128,"rms_norm_eps":1e-06,
         "rope_theta":10000.0,"vocab_size":\(vocabulary)\(extra)}
        """.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        var shapes: [(String, [Int])] = [
            ("model.embed_tokens.weight", [vocabulary, hidden]), ("model.norm.weight", [hidden]),
            ("model.layers.0.self_attn.q_proj.weight", [heads * headDim, hidden]),
            ("model.layers.0.self_attn.k_proj.weight", [kvHeads * headDim, hidden]),
            ("model.layers.0.self_attn.v_proj.weight", [kvHeads * headDim, hidden]),
            ("model.layers.0.self_attn.o_proj.weight", [hidden, heads * headDim]),
            ("model.layers.0.mlp.gate_proj.weight", [intermediate, hidden]),
            ("model.layers.0.mlp.up_proj.weight", [intermediate, hidden]),
            ("model.layers.0.mlp.down_proj.weight", [hidden, intermediate]),
            ("model.layers.0.input_layernorm.weight", [hidden]), ("model.layers.0.post_attention_layernorm.weight", [hidden]),
        ]
        if sandwichNorms {
            shapes += [("model.layers.0.pre_feedforward_layernorm.weight", [hidden]),
                       ("model.layers.0.post_feedforward_layernorm.weight", [hidden])]
        }
        if qkNorms {
            shapes += [("model.layers.0.self_attn.q_norm.weight", [headDim]), ("model.layers.0.self_attn.k_norm.weight", [headDim])]
        }
        let tensors = shapes.enumerated().map { i, entry in
            let values = (0..<entry.1.reduce(1, *)).map { Float(($0 * 7 + i * 13) % 29) / 64 - 0.25 }
            return (name: entry.0, dtype: "F32", shape: entry.1, bytes: values.withUnsafeBytes { Array($0) })
        }
        try writeSafetensors(tensors, to: dir + "/model.safetensors")
    }
}
