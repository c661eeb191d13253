import ModelfileLang
import Foundation
import Runtime

/// Phi-3's long-context RoPE ("longrope", formerly "su", or "yarn"): llama.cpp stores the per-dimension
/// frequency factors as two F32 tensors and the attention scale as a key, computed from the ratio of
/// the context length to the original one.
enum RopeScaling {
    /// config.json's rope scaling object (transformers renamed rope_scaling to rope_parameters).
    static func parameters(_ config: JSONValue) -> JSONValue? {
        config["rope_parameters"]?.objectValue != nil ? config["rope_parameters"] : config["rope_scaling"]
    }

    /// Phi-3's rotary width: partial_rotary_factor × hidden_size / heads, as llama.cpp computes it
    /// (Phi-4-mini rotates 3/4 of each head).
    static func phi3RopeDimensions(_ config: JSONValue) -> Int {
        let hidden = config["hidden_size"]?.intValue ?? 0, heads = max(config["num_attention_heads"]?.intValue ?? 1, 1)
        let factor = parameters(config)?["partial_rotary_factor"]?.doubleValue ?? config["partial_rotary_factor"]?.doubleValue ?? 1
        return Int(factor * Double(hidden)) / heads
    }

    static func originalContext(_ config: JSONValue) -> Int? {
        parameters(config)?["original_max_position_embeddings"]?.intValue ?? config["original_max_position_embeddings"]?.intValue
    }

    /// `phi3.rope.scaling.original_context_length` and, with long factors, `phi3.rope.scaling.attn_factor`.
    /// - Throws: `StoreError` for a scaling type llama.cpp does not know.
    static func phi3Keys(config: JSONValue) throws(StoreError) -> [(key: String, value: GGUFValue)] {
        let context = config["max_position_embeddings"]?.intValue ?? 2048
        let original = originalContext(config) ?? context
        var keys: [(key: String, value: GGUFValue)] = [("phi3.rope.scaling.original_context_length", .uint32(UInt32(clamping: original)))]
        guard let rope = parameters(config), rope["long_factor"]?.arrayValue?.isEmpty == false else { return keys }
        let type = (rope["rope_type"]?.stringValue ?? rope["type"]?.stringValue ?? "").lowercased()
        let scale = Double(context) / Double(max(original, 1))
        let factor: Double
        switch type {
        case "su", "longrope": factor = scale > 1 ? (1 + log(scale) / log(Double(original))).squareRoot() : 1
        case "yarn": factor = scale > 1 ? 0.1 * log(scale) + 1 : 1
        default: throw StoreError("config.json: rope scaling type '\(type)' is not supported (longrope, su, yarn)")
        }
        keys.append(("phi3.rope.scaling.attn_factor", .float32(Float(factor))))
        return keys
    }

    /// `rope_factors_long.weight` and `rope_factors_short.weight`, each ropeDimensions/2 values.
    /// - Throws: `StoreError` when the factor lists are missing or of the wrong length.
    static func phi3FactorTensors(config: JSONValue, ropeDimensions: Int) throws(StoreError) -> [(name: String, values: [Float])] {
        guard let rope = parameters(config), let long = rope["long_factor"]?.arrayValue, !long.isEmpty else { return [] }
        let short = rope["short_factor"]?.arrayValue ?? []
        let longValues = long.compactMap(\.doubleValue).map(Float.init), shortValues = short.compactMap(\.doubleValue).map(Float.init)
        guard longValues.count == ropeDimensions / 2, shortValues.count == ropeDimensions / 2,
              longValues.count == long.count, shortValues.count == short.count else {
            throw StoreError("config.json: rope long_factor and short_factor need \(ropeDimensions / 2) numbers each, found \(long.count) and \(short.count)")
        }
        return [("rope_factors_long.weight", longValues), ("rope_factors_short.weight", shortValues)]
    }
}
