// The model's tensors, checked against the config and repacked into kernel layouts at load time.
// Tensors are read from the file with `pread` into a small staging buffer, never through the mapping, so
// the process holds each weight once (repacked) and the file's pages stay in the page cache, outside its
// memory (docs/kernels.md, "Memory"). The token embedding stays in the file: one row is read and
// dequantized per token; when the output is tied it is also repacked as the LM head.

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
        // Header pages read so far (the tokenizer's vocabulary, the config) are not needed while the weights load.
        gguf.releasePages(gguf.bytes)
        defer { gguf.releasePages(gguf.bytes) }   // and whatever was read in place below (LoRA, the f32 reference)
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
            func floats(_ v: PlannedVector?) throws(ModelError) -> [Float]? { try v.map { v throws(ModelError) in try loader.floats(v) } }
            layers.append(LayerWeights(
                attentionNorm: try loader.floats(layer.attentionNorm),
                q: qkv[0], k: qkv[1], v: qkv[2],
                o: try loader.matrix(layer.o),
                qBias: try floats(layer.qBias), kBias: try floats(layer.kBias), vBias: try floats(layer.vBias),
                qNorm: try floats(layer.qNorm), kNorm: try floats(layer.kNorm),
                postAttentionNorm: try floats(layer.postAttentionNorm),
                ffnNorm: try loader.floats(layer.ffnNorm),
                gate: gateUp[0], up: gateUp[1],
                down: try loader.matrix(layer.down),
                postFFNNorm: try floats(layer.postFFNNorm)
            ))
        }
        self.layers = layers
        outputNorm = try loader.floats(plan.outputNorm)
        output = try loader.matrix(plan.output)
        ropeFactorsLong = try plan.ropeFactorsLong.map { v throws(ModelError) in try loader.floats(v) }
        ropeFactorsShort = try plan.ropeFactorsShort.map { v throws(ModelError) in try loader.floats(v) }
    }

    /// Writes the embedding of `token` (d floats) to `out`; the caller checked the id.
    func embed(_ token: Int, into out: UnsafeMutablePointer<Float>) {
        let row = embeddingData.baseAddress! + token * embeddingRowBytes
        withUnsafeTemporaryAllocation(byteCount: embeddingRowBytes, alignment: 16) { staged in
            // A read, not a page fault: a fault would map the 64 KiB around the row (the kernel's fault-around)
            // and leave it resident; the mapping is only the fallback should the read fail.
            let offset = row - file.bytes.baseAddress!
            let source = (try? file.read(into: staged, at: offset)) != nil ? UnsafeRawPointer(staged.baseAddress!) : row
            dequantizeRow(embedding.type, source, out, count: embedding.dimensions[0])
        }
        lora?.addEmbedding(token: token, into: out)
    }
}

/// Reads planned tensors (shapes already checked by `WeightPlan`) into kernel layouts, through one staging buffer.
private final class TensorLoader {
    let gguf: GGUFFile
    let dequantized: Bool
    /// Where file reads land before repacking: 1 MiB, or one row when a row is larger.
    private var staging: AlignedBuffer

    init(gguf: GGUFFile, dequantized: Bool) {
        self.gguf = gguf
        self.dequantized = dequantized
        staging = AlignedBuffer(bytes: 1 << 20, slack: 0)
    }

    /// The staging buffer, grown to at least `bytes`.
    private func staging(atLeast bytes: Int) -> UnsafeMutableRawBufferPointer {
        if staging.count < bytes { staging = AlignedBuffer(bytes: bytes, slack: 0) }
        return UnsafeMutableRawBufferPointer(start: staging.base, count: staging.count)
    }

    /// The absolute file offset of `bytes`, a part of the mapping.
    private func fileOffset(_ bytes: UnsafeRawBufferPointer) -> Int { bytes.baseAddress! - gguf.bytes.baseAddress! }

    func matrix(_ m: PlannedMatrix) throws(ModelError) -> WeightMatrix { try matrices(m)[0] }

    /// The planned matrix's consecutive row ranges as separate matrices.
    func matrices(_ m: PlannedMatrix) throws(ModelError) -> [WeightMatrix] {
        let t = m.tensor, rows = m.rowCounts.reduce(0, +)
        do throws(ModelError) {
            guard dequantized, t.type != .f32 else {
                return try slices(of: gguf.data(of: t), type: t.type, counts: m.rowCounts, columns: m.columns, fromFile: true)
            }
            let floats = try widened(t, rows: rows, columns: m.columns)
            let result = floats.withUnsafeBytes { bytes in
                Result { () throws(ModelError) in try slices(of: bytes, type: .f32, counts: m.rowCounts, columns: m.columns, fromFile: false) }
            }
            return try result.get()
        } catch {
            throw ModelError(description: "tensor \(t.name): \(error.description)")
        }
    }

    /// - Parameter fromFile: `data` is a part of the mapping, read with `pread` rather than in place.
    private func slices(of data: UnsafeRawBufferPointer, type: GGMLType, counts: [Int], columns: Int,
                        fromFile: Bool) throws(ModelError) -> [WeightMatrix] {
        guard let rowBytes = type.rowBytes(elements: columns) else {
            throw ModelError(description: "\(columns) columns is not a whole number of \(type.name) blocks")
        }
        var matrices: [WeightMatrix] = [], start = 0
        for count in counts {
            let end = min(data.count, start + count * rowBytes)
            let part = UnsafeRawBufferPointer(rebasing: data[min(start, end)..<end])
            let source: RowSource = fromFile
                ? .file(gguf, offset: fileOffset(part), byteCount: part.count, buffer: staging(atLeast: rowBytes))
                : .memory(part)
            matrices.append(try WeightMatrix(type: type, source: source, rows: count, columns: columns))
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
    /// - Throws: `ModelError` when the file cannot be read.
    func floats(_ v: PlannedVector) throws(ModelError) -> [Float] {
        let data = gguf.data(of: v.tensor)
        guard v.count > 0, data.count > 0 else { return [] }
        let staged = staging(atLeast: data.count)
        do {
            try gguf.read(into: UnsafeMutableRawBufferPointer(rebasing: staged[..<data.count]), at: fileOffset(data))
        } catch {
            throw ModelError(description: "tensor \(v.tensor.name): \(error.message)")
        }
        return [Float](unsafeUninitializedCapacity: v.count) { buffer, initialized in
            dequantizeRow(v.tensor.type, staged.baseAddress!, buffer.baseAddress!, count: v.count)
            initialized = v.count
        }
    }
}
