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
    /// The LoRA adapters' updates, applied beside the matrices; nil without adapters.
    let lora: LoRAWeights?

    /// - Parameters:
    ///   - dequantized: widen every matrix to f32 (the slow reference: float dots, unquantized activations).
    ///   - adapters: LoRA adapters, stacked in order.
    init(gguf: GGUFFile, config c: LlamaConfig, dequantized: Bool = false, adapters: [LoRAAdapter] = []) throws(ModelError) {
        file = gguf
        let plan = try WeightPlan(gguf: gguf, config: c)
        lora = try LoRAWeights.load(adapters, base: gguf, plan: plan)
        let loader = TensorLoader(gguf: gguf, dequantized: dequantized)
        embedding = plan.embedding
        embeddingData = gguf.data(of: plan.embedding)
        embeddingRowBytes = plan.embeddingRowBytes
        var layers: [LayerWeights] = []
        for layer in plan.layers {
            var qkv: [WeightMatrix] = [], gateUp: [WeightMatrix] = []
            for m in layer.qkv { qkv += try loader.matrices(m) }
            for m in layer.gateUp { gateUp += try loader.matrices(m) }
            layers.append(LayerWeights(
                attentionNorm: loader.floats(layer.attentionNorm),
                q: qkv[0], k: qkv[1], v: qkv[2],
                o: try loader.matrix(layer.o),
                qBias: layer.qBias.map(loader.floats), kBias: layer.kBias.map(loader.floats), vBias: layer.vBias.map(loader.floats),
                qNorm: layer.qNorm.map(loader.floats), kNorm: layer.kNorm.map(loader.floats),
                postAttentionNorm: layer.postAttentionNorm.map(loader.floats),
                ffnNorm: loader.floats(layer.ffnNorm),
                gate: gateUp[0], up: gateUp[1],
                down: try loader.matrix(layer.down),
                postFFNNorm: layer.postFFNNorm.map(loader.floats)
            ))
        }
        self.layers = layers
        outputNorm = loader.floats(plan.outputNorm)
        output = try loader.matrix(plan.output)
        ropeFactorsLong = plan.ropeFactorsLong.map(loader.floats)
        ropeFactorsShort = plan.ropeFactorsShort.map(loader.floats)
    }

    /// Writes the embedding of `token` (d floats) to `out`; the caller checked the id.
    func embed(_ token: Int, into out: UnsafeMutablePointer<Float>) {
        dequantizeRow(embedding.type, embeddingData.baseAddress! + token * embeddingRowBytes, out, count: embedding.dimensions[0])
        lora?.addEmbedding(token: token, into: out)
    }
}

/// Reads planned tensors (shapes already checked by `WeightPlan`) into kernel layouts.
private struct TensorLoader {
    let gguf: GGUFFile
    let dequantized: Bool

    func matrix(_ m: PlannedMatrix) throws(ModelError) -> WeightMatrix { try matrices(m)[0] }

    /// The planned matrix's consecutive row ranges as separate matrices.
    func matrices(_ m: PlannedMatrix) throws(ModelError) -> [WeightMatrix] {
        let t = m.tensor, rows = m.rowCounts.reduce(0, +)
        do throws(ModelError) {
            guard dequantized, t.type != .f32 else {
                return try slices(of: gguf.data(of: t), type: t.type, counts: m.rowCounts, columns: m.columns)
            }
            let floats = try widened(t, rows: rows, columns: m.columns)
            let result = floats.withUnsafeBytes { bytes in
                Result { () throws(ModelError) in try slices(of: bytes, type: .f32, counts: m.rowCounts, columns: m.columns) }
            }
            return try result.get()
        } catch {
            throw ModelError(description: "tensor \(t.name): \(error.description)")
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

    /// The planned vector as floats.
    func floats(_ v: PlannedVector) -> [Float] {
        guard v.count > 0, let base = gguf.data(of: v.tensor).baseAddress else { return [] }
        return [Float](unsafeUninitializedCapacity: v.count) { buffer, initialized in
            dequantizeRow(v.tensor.type, base, buffer.baseAddress!, count: v.count)
            initialized = v.count
        }
    }
}
