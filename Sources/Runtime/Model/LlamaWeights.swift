// The model's tensors, checked against the config and repacked into kernel layouts at load time.
// The token embedding stays in the GGUF mapping (one row is dequantized per token); when the
// output is tied it is also repacked as the LM head.

/// One transformer block's weights. Optional tensors are nil when the family does not use them.
struct LayerWeights: @unchecked Sendable {
    let attentionNorm: [Float]
    let q: WeightMatrix, k: WeightMatrix, v: WeightMatrix, o: WeightMatrix
    let qBias: [Float]?, kBias: [Float]?, vBias: [Float]?
    let qNorm: [Float]?, kNorm: [Float]?          // gemma3, per head (headDimension)
    let postAttentionNorm: [Float]?               // gemma3
    let ffnNorm: [Float]
    let gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix
    let postFFNNorm: [Float]?                     // gemma3
}

/// Every weight of a llama-family model.
final class LlamaWeights: @unchecked Sendable {
    let layers: [LayerWeights]
    let outputNorm: [Float]
    let output: WeightMatrix
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
            let gemma = c.family == .gemma3
            layers.append(LayerWeights(
                attentionNorm: try loader.vector(p + "attn_norm.weight", d),
                q: try loader.matrix(p + "attn_q.weight", rows: c.qDimension, columns: d),
                k: try loader.matrix(p + "attn_k.weight", rows: c.kvDimension, columns: d),
                v: try loader.matrix(p + "attn_v.weight", rows: c.kvDimension, columns: d),
                o: try loader.matrix(p + "attn_output.weight", rows: d, columns: c.qDimension),
                qBias: try loader.optionalVector(p + "attn_q.bias", c.qDimension),
                kBias: try loader.optionalVector(p + "attn_k.bias", c.kvDimension),
                vBias: try loader.optionalVector(p + "attn_v.bias", c.kvDimension),
                qNorm: gemma ? try loader.vector(p + "attn_q_norm.weight", c.headDimension) : nil,
                kNorm: gemma ? try loader.vector(p + "attn_k_norm.weight", c.headDimension) : nil,
                postAttentionNorm: gemma ? try loader.vector(p + "post_attention_norm.weight", d) : nil,
                ffnNorm: try loader.vector(p + "ffn_norm.weight", d),
                gate: try loader.matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, columns: d),
                up: try loader.matrix(p + "ffn_up.weight", rows: c.feedForwardLength, columns: d),
                down: try loader.matrix(p + "ffn_down.weight", rows: d, columns: c.feedForwardLength),
                postFFNNorm: gemma ? try loader.vector(p + "post_ffw_norm.weight", d) : nil
            ))
        }
        self.layers = layers
        outputNorm = try loader.vector("output_norm.weight", d)
        let tied = gguf.tensor(named: "output.weight") == nil
        output = try loader.matrix(tied ? "token_embd.weight" : "output.weight", rows: c.vocabularySize, columns: d)
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
        guard let t = gguf.tensor(named: name) else { throw ModelError(description: "tensor \(name) is missing") }
        guard t.dimensions == [columns, rows] else {
            throw ModelError(description: "tensor \(name) has shape \(t.dimensions), expected [\(columns), \(rows)]")
        }
        do throws(ModelError) {
            guard dequantized, t.type != .f32 else {
                return try WeightMatrix(type: t.type, data: gguf.data(of: t), rows: rows, columns: columns)
            }
            let floats = try widened(t, rows: rows, columns: columns)
            let result = floats.withUnsafeBytes { bytes in
                Result { () throws(ModelError) in try WeightMatrix(type: .f32, data: bytes, rows: rows, columns: columns) }
            }
            return try result.get()
        } catch {
            throw ModelError(description: "tensor \(name): \(error.description)")
        }
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
