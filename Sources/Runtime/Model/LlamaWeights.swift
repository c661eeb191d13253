// The model's tensors, checked against the config and repacked into kernel layouts at load time.
// The token embedding stays in the GGUF mapping (one row is dequantized per token); when the
// output is tied it is also repacked as the LM head. The mapped pages of every repacked tensor are
// released after the copy (an embedding row read later faults its page back in from the file).

/// One transformer block's weights. Optional tensors are nil when the family does not use them.
struct LayerWeights: @unchecked Sendable {
    let attentionNorm: [Float]
    let q: WeightMatrix, k: WeightMatrix, v: WeightMatrix, o: WeightMatrix
    let qBias: [Float]?, kBias: [Float]?, vBias: [Float]?
    let qNorm: [Float]?, kNorm: [Float]?          // gemma3, per head (headDimension)
    let postAttentionNorm: [Float]?               // gemma2, gemma3
    let ffnNorm: [Float]
    let gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix
    let postFFNNorm: [Float]?                     // gemma2, gemma3
}

/// Every weight of a llama-family model.
final class LlamaWeights: @unchecked Sendable {
    let layers: [LayerWeights]
    let outputNorm: [Float]
    let output: WeightMatrix
    /// Per-pair RoPE frequency divisors (phi3's LongRoPE): long beyond the original context, else short.
    let ropeFactorsLong: [Float]?, ropeFactorsShort: [Float]?
    let embedding: GGUFTensorInfo
    let embeddingData: UnsafeRawBufferPointer
    let embeddingRowBytes: Int
    /// Keeps the mapping that `embeddingData` points into alive.
    let file: GGUFFile

    /// - Parameter dequantized: widen every matrix to f32 (the slow reference: float dots, unquantized activations).
    init(gguf: GGUFFile, config c: LlamaConfig, dequantized: Bool = false) throws(ModelError) {
        file = gguf
        let loader = TensorLoader(gguf: gguf, dequantized: dequantized)
        let d = c.embeddingLength
        guard let embedding = gguf.tensor(named: "token_embd.weight"), embedding.dimensions == [d, c.vocabularySize],
              supportedWeightTypes.contains(embedding.type), let rowBytes = embedding.type.rowBytes(elements: d) else {
            throw ModelError(description: "token_embd.weight is missing or not \(d) × \(c.vocabularySize) of a supported type")
        }
        self.embedding = embedding
        embeddingData = gguf.data(of: embedding)
        embeddingRowBytes = rowBytes
        var layers: [LayerWeights] = []
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            let gemma = c.family == .gemma3, postNorms = c.hasPostNorms
            // phi3 fuses Q|K|V into attn_qkv and gate|up into ffn_up; they are split here by row ranges.
            let qkv = c.family == .phi3
                ? try loader.rowSplit(p + "attn_qkv.weight", rows: [c.qDimension, c.kvDimension, c.kvDimension], columns: d)
                : [try loader.matrix(p + "attn_q.weight", rows: c.qDimension, columns: d),
                   try loader.matrix(p + "attn_k.weight", rows: c.kvDimension, columns: d),
                   try loader.matrix(p + "attn_v.weight", rows: c.kvDimension, columns: d)]
            let gateUp = c.family == .phi3
                ? try loader.rowSplit(p + "ffn_up.weight", rows: [c.feedForwardLength, c.feedForwardLength], columns: d)
                : [try loader.matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, columns: d),
                   try loader.matrix(p + "ffn_up.weight", rows: c.feedForwardLength, columns: d)]
            layers.append(LayerWeights(
                attentionNorm: try loader.vector(p + "attn_norm.weight", d),
                q: qkv[0], k: qkv[1], v: qkv[2],
                o: try loader.matrix(p + "attn_output.weight", rows: d, columns: c.qDimension),
                qBias: try loader.optionalVector(p + "attn_q.bias", c.qDimension),
                kBias: try loader.optionalVector(p + "attn_k.bias", c.kvDimension),
                vBias: try loader.optionalVector(p + "attn_v.bias", c.kvDimension),
                qNorm: gemma ? try loader.vector(p + "attn_q_norm.weight", c.headDimension) : nil,
                kNorm: gemma ? try loader.vector(p + "attn_k_norm.weight", c.headDimension) : nil,
                postAttentionNorm: postNorms ? try loader.vector(p + "post_attention_norm.weight", d) : nil,
                ffnNorm: try loader.vector(p + "ffn_norm.weight", d),
                gate: gateUp[0], up: gateUp[1],
                down: try loader.matrix(p + "ffn_down.weight", rows: d, columns: c.feedForwardLength),
                postFFNNorm: postNorms ? try loader.vector(p + "post_ffw_norm.weight", d) : nil
            ))
        }
        self.layers = layers
        outputNorm = try loader.vector("output_norm.weight", d)
        let tied = gguf.tensor(named: "output.weight") == nil
        output = try loader.matrix(tied ? "token_embd.weight" : "output.weight", rows: c.vocabularySize, columns: d)
        ropeFactorsLong = try loader.optionalVector("rope_factors_long.weight", c.ropeDimension / 2)
        ropeFactorsShort = try loader.optionalVector("rope_factors_short.weight", c.ropeDimension / 2)
    }

    /// Writes the embedding of `token` (d floats) to `out`; the caller checked the id.
    func embed(_ token: Int, into out: UnsafeMutablePointer<Float>) {
        dequantizeRow(embedding.type, embeddingData.baseAddress! + token * embeddingRowBytes, out, count: embedding.dimensions[0])
    }
}

/// Reads named tensors with their expected shapes.
private struct TensorLoader {
    let gguf: GGUFFile
    let dequantized: Bool

    func matrix(_ name: String, rows: Int, columns: Int) throws(ModelError) -> WeightMatrix {
        try rowSplit(name, rows: [rows], columns: columns)[0]
    }

    /// Consecutive row ranges of one matrix (`rows` counts, in order) as separate matrices.
    func rowSplit(_ name: String, rows counts: [Int], columns: Int) throws(ModelError) -> [WeightMatrix] {
        let rows = counts.reduce(0, +)
        guard let t = gguf.tensor(named: name) else { throw ModelError(description: "tensor \(name) is missing") }
        guard t.dimensions == [columns, rows] else {
            throw ModelError(description: "tensor \(name) has shape \(t.dimensions), expected [\(columns), \(rows)]")
        }
        do throws(ModelError) {
            guard dequantized, t.type != .f32 else {
                return try slices(of: gguf.data(of: t), type: t.type, counts: counts, columns: columns)
            }
            let floats = try widened(t, rows: rows, columns: columns)
            let result = floats.withUnsafeBytes { bytes in
                Result { () throws(ModelError) in try slices(of: bytes, type: .f32, counts: counts, columns: columns) }
            }
            return try result.get()
        } catch {
            throw ModelError(description: "tensor \(name): \(error.description)")
        }
    }

    private func slices(of data: UnsafeRawBufferPointer, type: GGMLType, counts: [Int], columns: Int) throws(ModelError) -> [WeightMatrix] {
        guard let rowBytes = type.rowBytes(elements: columns) else {
            throw ModelError(description: "\(columns) columns is not a whole number of \(type.name) blocks")
        }
        var matrices: [WeightMatrix] = [], start = 0
        for count in counts {
            let end = min(data.count, start + count * rowBytes)
            // The repacked copy replaces the mapped bytes: their pages are dropped as the repacking goes, so the
            // weights are resident once even while the largest matrix is being copied.
            matrices.append(try WeightMatrix(type: type, data: UnsafeRawBufferPointer(rebasing: data[min(start, end)..<end]),
                                             rows: count, columns: columns, release: gguf.releasePages))
            start = end
        }
        return matrices
    }

    /// The tensor dequantized to f32 with the scalar reference.
    private func widened(_ t: GGUFTensorInfo, rows: Int, columns: Int) throws(ModelError) -> [Float] {
        let data = gguf.data(of: t)
        guard supportedWeightTypes.contains(t.type), let rowBytes = t.type.rowBytes(elements: columns),
              rowBytes * rows <= data.count, let base = data.baseAddress else {
            throw ModelError(description: "cannot dequantize \(t.type.name)")
        }
        var floats = [Float](repeating: 0, count: rows * columns)
        floats.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows { dequantizeRow(t.type, base + r * rowBytes, out.baseAddress! + r * columns, count: columns) }
        }
        return floats
    }

    func vector(_ name: String, _ count: Int) throws(ModelError) -> [Float] {
        guard let v = try optionalVector(name, count) else { throw ModelError(description: "tensor \(name) is missing") }
        return v
    }

    func optionalVector(_ name: String, _ count: Int) throws(ModelError) -> [Float]? {
        guard let t = gguf.tensor(named: name) else { return nil }
        guard t.elementCount == count, t.type.blockSize == 1 || count % t.type.blockSize == 0,
              supportedWeightTypes.contains(t.type), let base = gguf.data(of: t).baseAddress else {
            throw ModelError(description: "tensor \(name) has \(t.elementCount) elements of \(t.type.name), expected \(count)")
        }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dequantizeRow(t.type, base, buffer.baseAddress!, count: count)
            initialized = count
        }
    }
}
