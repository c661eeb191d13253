// Which type each tensor gets for a file type: llama.cpp's llama_tensor_get_type (src/llama-quant.cpp)
// for the types mfc produces, without an importance matrix, overrides or --pure. Sensitive tensors
// (output, attn_v, ffn_down in some layers) keep more bits in the _M/_L mixtures, and a tensor whose
// row length is not a multiple of the block falls back to a 32-element type (SmolLM2's 576 columns).

/// The model facts the mixture rules depend on.
package struct QuantizationModelFacts: Sendable, Equatable {
    package var architecture: String
    package var layerCount: Int
    package var headCount: Int
    package var headCountKV: Int
    package var expertCount: Int

    package init(architecture: String, layerCount: Int, headCount: Int, headCountKV: Int, expertCount: Int = 0) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.headCount = headCount
        self.headCountKV = headCountKV
        self.expertCount = expertCount
    }

    /// Reads `<arch>.block_count`, `.attention.head_count(_kv)` (first layer's value when per-layer)
    /// and `.expert_count`; missing keys count as 0 (head_count_kv defaults to head_count).
    package init(_ file: GGUFFile) {
        func first(_ key: String) -> Int? {
            guard let value = file.archValue(key) else { return nil }
            return value.int ?? value.array?.ints()?.first
        }
        let heads = first("attention.head_count") ?? 0
        self.init(architecture: file.architecture ?? "", layerCount: first("block_count") ?? 0,
                  headCount: heads, headCountKV: first("attention.head_count_kv") ?? heads,
                  expertCount: first("expert_count") ?? 0)
    }

    /// Query heads per KV head (llama.cpp's n_gqa; 0 without KV heads).
    var groupedQueryRatio: Int { headCountKV == 0 ? 0 : headCount / headCountKV }
    /// llama.cpp treats an 80-layer llama with GQA as its 70B type, which bumps attn_v.
    var isLlama70B: Bool { architecture == "llama" && layerCount == 80 && headCount != headCountKV }
    var isFalcon: Bool { architecture == "falcon" }
}

/// Per-tensor type choice for a quantization file type.
package enum TensorTypePolicy {
    /// A tensor as the policy sees it.
    package struct Tensor: Sendable, Equatable {
        package var name: String
        package var dimensions: [Int]
        package var type: GGMLType
        package init(name: String, dimensions: [Int], type: GGMLType) {
            self.name = name; self.dimensions = dimensions; self.type = type
        }
    }

    /// The target type of every tensor, in the order given. Counters that depend on order
    /// (the i-th attn_v, the i-th ffn_down) follow llama.cpp's order, `llamaCppOrder`.
    package static func plan(_ tensors: [Tensor], fileType: QuantizationFileType, facts: QuantizationModelFacts) -> [GGMLType] {
        var state = MixtureState(tensors: tensors, facts: facts)
        var result = tensors.map(\.type)
        for index in llamaCppOrder(tensors.map(\.name)) {
            result[index] = targetType(tensors[index], fileType: fileType, state: &state)
        }
        return result
    }

    /// Indices of `names` sorted the way llama.cpp's loader orders weights: tensors outside `blk.N.`
    /// first, then by block number, then by name (bytewise). llama-quantize writes in this order.
    package static func llamaCppOrder(_ names: [String]) -> [Int] {
        let keys = names.map { (layer: blockNumber($0) ?? -1, bytes: Array($0.utf8)) }
        return names.indices.sorted { a, b in
            if keys[a].layer != keys[b].layer { return keys[a].layer < keys[b].layer }
            return keys[a].bytes.lexicographicallyPrecedes(keys[b].bytes)
        }
    }

    /// N in a name starting `blk.N.` (as sscanf "blk.%d." reads it), nil otherwise.
    static func blockNumber(_ name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        let digits = name.dropFirst(4).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, name.dropFirst(4 + digits.count).first == "." else { return nil }
        return Int(digits)
    }

    /// llama.cpp's tensor_allows_quantization with default parameters.
    package static func allowsQuantization(name: String, dimensions: [Int]) -> Bool {
        // ggml_n_dims: trailing dimensions of 1 do not count.
        let dims = (dimensions.lastIndex { $0 != 1 } ?? 0) + 1
        guard dims >= 2, name.hasSuffix("weight") else { return false }
        let excludedParts = [
            "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
            "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
            "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
            "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
            "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
            "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight",
            "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos",
            ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd",
        ]
        if excludedParts.contains(where: { name.contains($0) }) { return false }
        return name != "position_embd.weight" && name != "token_types.weight"
    }

    /// llama.cpp's broad tensor categories (first match wins, in this order).
    enum Category: Equatable {
        case tokenEmbedding, attentionQ, attentionV, attentionK, attentionQKV, attentionKVB, attentionOutput
        case ffnUp, ffnGate, ffnDown, output, other

        init(_ name: String) {
            switch name {
            case "output.weight": self = .output
            case "token_embd.weight", "per_layer_token_embd.weight": self = .tokenEmbedding
            case _ where name.contains("attn_qkv.weight"): self = .attentionQKV
            case _ where name.contains("attn_kv_b.weight"): self = .attentionKVB
            case _ where name.contains("attn_v.weight"): self = .attentionV
            case _ where name.contains("attn_k.weight"): self = .attentionK
            case _ where name.contains("attn_q.weight"): self = .attentionQ
            case _ where name.contains("attn_output.weight"): self = .attentionOutput
            case _ where name.contains("ffn_up"): self = .ffnUp
            case _ where name.contains("ffn_gate"): self = .ffnGate
            case _ where name.contains("ffn_down"): self = .ffnDown
            default: self = .other
            }
        }

        /// attn_v-like tensors, the most sensitive to quantization.
        var isAttentionV: Bool { self == .attentionV || self == .attentionQKV || self == .attentionKVB }
    }

    /// Counters llama.cpp keeps while walking the tensors.
    struct MixtureState {
        let facts: QuantizationModelFacts
        let attentionVCount: Int
        let tiedEmbeddings: Bool
        var attentionVIndex = 0
        var ffnDownIndex = 0

        init(tensors: [Tensor], facts: QuantizationModelFacts) {
            self.facts = facts
            attentionVCount = tensors.filter { Category($0.name).isAttentionV }.count
            tiedEmbeddings = !tensors.contains { $0.name == "output.weight" }
        }
    }

    static func targetType(_ tensor: Tensor, fileType: QuantizationFileType, state: inout MixtureState) -> GGMLType {
        guard allowsQuantization(name: tensor.name, dimensions: tensor.dimensions) else { return tensor.type }
        let defaultType = fileType.defaultTensorType
        guard fileType.isQuantized else { return defaultType }
        let chosen = mixtureType(tensor, defaultType: defaultType, fileType: fileType, state: &state)
        return fallbackType(chosen, rowLength: tensor.dimensions.first ?? 0)
    }

    /// llama_tensor_get_type_impl, restricted to the file types in `QuantizationFileType`.
    static func mixtureType(
        _ tensor: Tensor, defaultType: GGMLType, fileType ftype: QuantizationFileType, state: inout MixtureState
    ) -> GGMLType {
        let category = Category(tensor.name)
        let facts = state.facts
        func useMoreBits(_ i: Int, _ n: Int) -> Bool { i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2 }
        var newType = defaultType

        if category == .output || (state.tiedEmbeddings && category == .tokenEmbedding) {
            let rowLength = tensor.dimensions.first ?? 0
            if facts.isFalcon || rowLength % defaultType.blockSize != 0 {
                newType = .q8_0
            } else if newType != .q8_0 {
                newType = .q6_K
            }
        } else if category == .tokenEmbedding {
            // Untied embeddings keep the default type for these file types.
        } else if category.isAttentionV {
            let i = state.attentionVIndex, n = state.attentionVCount
            switch ftype {
            case .q2_K: newType = facts.groupedQueryRatio >= 4 ? .q4_K : .q3_K
            case .q3_K_M: newType = i < 2 ? .q5_K : .q4_K
            case .q3_K_L: newType = .q5_K
            case .q4_K_M, .q5_K_M: if useMoreBits(i, n) { newType = .q6_K }
            case .q4_K_S: if i < 4 { newType = .q5_K }
            default: break
            }
            if facts.isLlama70B && (newType == .q3_K || newType == .q4_K) { newType = .q5_K }
            if facts.expertCount == 8 { newType = .q8_0 }
            state.attentionVIndex += 1
        } else if category == .attentionK {
            if facts.expertCount == 8 { newType = .q8_0 }
        } else if category == .ffnDown {
            let n = facts.layerCount
            var i = state.ffnDownIndex
            // Experts are not stored in layer order, so MoE models read the layer from the name.
            if max(1, facts.expertCount) > 1, let layer = blockNumber(tensor.name) { i = layer }
            switch ftype {
            case .q2_K: newType = .q3_K
            case .q3_K_M:
                newType = i < n / 16 ? .q5_K : (!facts.isFalcon || useMoreBits(i, n)) ? .q4_K : .q3_K
            case .q3_K_L: newType = facts.isFalcon ? .q4_K : .q5_K
            case .q4_K_M:
                if facts.isFalcon {
                    newType = i < n / 16 ? .q6_K : useMoreBits(i, n) ? .q5_K : .q4_K
                } else if useMoreBits(i, n) {
                    newType = .q6_K
                }
            case .q5_K_M: if useMoreBits(i, n) { newType = .q6_K }
            case .q4_K_S: if !facts.isFalcon && i < n / 8 { newType = .q5_K }
            default: break
            }
            state.ffnDownIndex += 1
        } else if category == .attentionOutput {
            if !facts.isFalcon {
                if facts.expertCount == 8 {
                    if [.q2_K, .q3_K_S, .q3_K_M, .q4_K_S, .q4_K_M].contains(ftype) { newType = .q5_K }
                } else {
                    switch ftype {
                    case .q2_K: newType = .q3_K
                    case .q3_K_M: newType = .q4_K
                    case .q3_K_L: newType = .q5_K
                    default: break
                    }
                }
            } else if ftype == .q3_K_L {
                newType = .q4_K
            }
        } else if category == .attentionQKV {
            switch ftype {
            case .q3_K_M, .q3_K_L: newType = .q4_K
            case .q4_K_M: newType = .q5_K
            case .q5_K_M: newType = .q6_K
            default: break
            }
        }
        return newType
    }

    /// llama.cpp's tensor_type_fallback: a row that is not whole blocks gets a 32-element type,
    /// and F16 if even that does not divide it (llama.cpp throws for a 32-element target that does not divide).
    static func fallbackType(_ type: GGMLType, rowLength: Int) -> GGMLType {
        guard rowLength % type.blockSize != 0 else { return type }
        let fallback: GGMLType
        switch type {
        case .q2_K, .q3_K: fallback = .q4_0
        case .q4_K: fallback = .q5_0
        case .q5_K: fallback = .q5_1
        case .q6_K: fallback = .q8_0
        default: fallback = .f16
        }
        return rowLength % fallback.blockSize == 0 ? fallback : .f16
    }
}
