// Which tensors a model reads and the shape each must have, found and checked without reading any
// weights. Loading (LlamaWeights) and the build-time check (ModelValidation) both go through this one
// table, so `mfc build` refuses exactly the files `mfc run` would.

/// A matrix the model reads: `columns` wide, split by rows into consecutive matrices of `rowCounts`
/// (one count unless the file fuses several, as phi3's attn_qkv and ffn_up do).
struct PlannedMatrix {
    let tensor: GGUFTensorInfo
    let rowCounts: [Int]
    let columns: Int
}

/// A vector the model reads as floats.
struct PlannedVector {
    let tensor: GGUFTensorInfo
    let count: Int
}

/// One transformer block's tensors; optional ones are nil when the family or file has none.
struct LayerPlan {
    let attentionNorm: PlannedVector
    /// Q, K and V in that order (one fused matrix for phi3, else three).
    let qkv: [PlannedMatrix]
    let o: PlannedMatrix
    let qBias: PlannedVector?, kBias: PlannedVector?, vBias: PlannedVector?
    let qNorm: PlannedVector?, kNorm: PlannedVector?
    let postAttentionNorm: PlannedVector?
    let ffnNorm: PlannedVector
    /// Gate and up in that order (one fused matrix for phi3, else two).
    let gateUp: [PlannedMatrix]
    let down: PlannedMatrix
    let postFFNNorm: PlannedVector?
}

/// Every tensor of a llama-family model with its checked shape.
struct WeightPlan {
    let embedding: GGUFTensorInfo
    let embeddingRowBytes: Int
    let layers: [LayerPlan]
    let outputNorm: PlannedVector
    /// output.weight, or token_embd.weight when the LM head is tied to the embeddings.
    let output: PlannedMatrix
    let ropeFactorsLong: PlannedVector?, ropeFactorsShort: PlannedVector?

    /// - Throws: `ModelError` naming the first tensor that is missing, misshapen or of a type the runtime cannot read.
    init(gguf: GGUFFile, config c: LlamaConfig) throws(ModelError) {
        let d = c.embeddingLength
        let find = TensorFinder(gguf: gguf)
        guard let embedding = gguf.tensor(named: "token_embd.weight") else { throw ModelError(description: "tensor token_embd.weight is missing") }
        guard embedding.dimensions == [d, c.vocabularySize] else {
            throw ModelError(description: "tensor token_embd.weight has shape \(embedding.dimensions), expected [\(d), \(c.vocabularySize)]")
        }
        guard supportedWeightTypes.contains(embedding.type), let rowBytes = embedding.type.rowBytes(elements: d) else {
            throw ModelError(description: "tensor token_embd.weight has type \(embedding.type.name), which the runtime cannot read")
        }
        self.embedding = embedding
        embeddingRowBytes = rowBytes
        var layers: [LayerPlan] = []
        layers.reserveCapacity(c.layerCount)
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            let gemma3 = c.family == .gemma3, postNorms = c.hasPostNorms, phi3 = c.family == .phi3
            layers.append(LayerPlan(
                attentionNorm: try find.vector(p + "attn_norm.weight", d),
                qkv: phi3 ? [try find.matrix(p + "attn_qkv.weight", rows: [c.qDimension, c.kvDimension, c.kvDimension], columns: d)]
                          : [try find.matrix(p + "attn_q.weight", rows: [c.qDimension], columns: d),
                             try find.matrix(p + "attn_k.weight", rows: [c.kvDimension], columns: d),
                             try find.matrix(p + "attn_v.weight", rows: [c.kvDimension], columns: d)],
                o: try find.matrix(p + "attn_output.weight", rows: [d], columns: c.qDimension),
                qBias: try find.optionalVector(p + "attn_q.bias", c.qDimension),
                kBias: try find.optionalVector(p + "attn_k.bias", c.kvDimension),
                vBias: try find.optionalVector(p + "attn_v.bias", c.kvDimension),
                qNorm: gemma3 ? try find.vector(p + "attn_q_norm.weight", c.headDimension) : nil,
                kNorm: gemma3 ? try find.vector(p + "attn_k_norm.weight", c.headDimension) : nil,
                postAttentionNorm: postNorms ? try find.vector(p + "post_attention_norm.weight", d) : nil,
                ffnNorm: try find.vector(p + "ffn_norm.weight", d),
                gateUp: phi3 ? [try find.matrix(p + "ffn_up.weight", rows: [c.feedForwardLength, c.feedForwardLength], columns: d)]
                             : [try find.matrix(p + "ffn_gate.weight", rows: [c.feedForwardLength], columns: d),
                                try find.matrix(p + "ffn_up.weight", rows: [c.feedForwardLength], columns: d)],
                down: try find.matrix(p + "ffn_down.weight", rows: [d], columns: c.feedForwardLength),
                postFFNNorm: postNorms ? try find.vector(p + "post_ffw_norm.weight", d) : nil))
        }
        self.layers = layers
        outputNorm = try find.vector("output_norm.weight", d)
        let tied = gguf.tensor(named: "output.weight") == nil
        output = try find.matrix(tied ? "token_embd.weight" : "output.weight", rows: [c.vocabularySize], columns: d)
        ropeFactorsLong = try find.optionalVector("rope_factors_long.weight", c.ropeDimension / 2)
        ropeFactorsShort = try find.optionalVector("rope_factors_short.weight", c.ropeDimension / 2)
    }
}

/// Looks tensors up by name and checks their shape and type.
private struct TensorFinder {
    let gguf: GGUFFile

    /// A matrix of `rows.reduce(0, +)` rows (ggml dimensions [columns, rows]).
    func matrix(_ name: String, rows counts: [Int], columns: Int) throws(ModelError) -> PlannedMatrix {
        let rows = counts.reduce(0, +)
        guard let t = gguf.tensor(named: name) else { throw ModelError(description: "tensor \(name) is missing") }
        guard t.dimensions == [columns, rows] else {
            throw ModelError(description: "tensor \(name) has shape \(t.dimensions), expected [\(columns), \(rows)]")
        }
        guard supportedWeightTypes.contains(t.type), t.type.rowBytes(elements: columns) != nil else {
            throw ModelError(description: "tensor \(name) has type \(t.type.name), which the runtime cannot read")
        }
        return PlannedMatrix(tensor: t, rowCounts: counts, columns: columns)
    }

    func vector(_ name: String, _ count: Int) throws(ModelError) -> PlannedVector {
        guard let v = try optionalVector(name, count) else { throw ModelError(description: "tensor \(name) is missing") }
        return v
    }

    func optionalVector(_ name: String, _ count: Int) throws(ModelError) -> PlannedVector? {
        guard let t = gguf.tensor(named: name) else { return nil }
        guard t.elementCount == count, t.type.blockSize == 1 || count % t.type.blockSize == 0, supportedWeightTypes.contains(t.type) else {
            throw ModelError(description: "tensor \(name) has \(t.elementCount) elements of \(t.type.name), expected \(count)")
        }
        return PlannedVector(tensor: t, count: count)
    }
}
