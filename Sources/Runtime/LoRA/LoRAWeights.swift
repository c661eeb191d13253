// GGUF LoRA adapters applied beside the base model's matrices, as llama.cpp applies them: y = W·x + B·(A·x)
// with each adapter's factor folded into B, so the base weights stay in their quantized kernel layout
// and an adapter costs only its own low-rank matrices (conventions in LoRAAdapter.swift). Merging into
// an f32 copy of W (LoRAMerge) made every adapted matrix 4 bytes a weight; requantizing W + B·A into
// the base's 4-bit format would round away most of a LoRA's small update (BENCHMARKS.md).

/// The low-rank update of one weight matrix of the forward pass, every adapter stacked: A holds the
/// adapters' lora_a rows one after another (R × columns), B their lora_b columns side by side, each
/// scaled by its adapter's factor (rows × R), so one product of each covers them all.
final class LoRAUpdate: @unchecked Sendable {
    let a: WeightMatrix
    let b: WeightMatrix
    /// R: the ranks of the stacked adapters added up.
    var rank: Int { a.rows }

    init(a: WeightMatrix, b: WeightMatrix) {
        self.a = a
        self.b = b
    }
}

/// Which matrix an update belongs to: one of a layer's (the index into `LoRAWeights.layers[l]`) or the LM head.
enum LoRASlot: Int, CaseIterable {
    case q, k, v, o, gate, up, down, output
}

/// Every update of a model's matrices, and the token embedding's.
final class LoRAWeights: @unchecked Sendable {
    /// Per layer, one optional update per `LoRASlot`.
    let layers: [[LoRAUpdate?]]
    let output: LoRAUpdate?
    /// token_embd's update: the looked-up row of token t gains Σ_k left[e][k]·right[t][k] (factors folded in).
    let embedding: (right: [Float], left: [Float], rank: Int, width: Int)?

    /// Reads the adapters' pairs that target the planned matrices (phi3's fused matrices are split by rows
    /// like the base); nil when there are no adapters.
    /// - Throws: `ModelError` listing why an adapter does not fit, or naming a target the model never multiplies by.
    static func load(_ adapters: [LoRAAdapter], base: GGUFFile, plan: WeightPlan) throws(ModelError) -> LoRAWeights? {
        guard !adapters.isEmpty else { return nil }
        try LoRAAdapter.checkFit(adapters, base: base)
        var pairs: [String: [(pair: LoRAPair, adapter: LoRAAdapter)]] = [:]
        for adapter in adapters {
            for pair in adapter.pairs.pairs { pairs[pair.target, default: []].append((pair, adapter)) }
        }
        var used: Set<String> = []
        /// The updates of the slices of `m` (one per row count), nil where no adapter targets it.
        func updates(_ m: PlannedMatrix) throws(ModelError) -> [LoRAUpdate?] {
            guard let list = pairs[m.tensor.name] else { return m.rowCounts.map { _ in nil } }
            used.insert(m.tensor.name)
            var result: [LoRAUpdate?] = [], start = 0
            for count in m.rowCounts {
                result.append(try stacked(list, rows: start..<(start + count), columns: m.columns))
                start += count
            }
            return result
        }
        var layers: [[LoRAUpdate?]] = []
        for layer in plan.layers {
            var slots: [LoRAUpdate?] = []
            for m in layer.qkv { slots += try updates(m) }
            slots += try updates(layer.o)
            for m in layer.gateUp { slots += try updates(m) }
            slots += try updates(layer.down)
            layers.append(slots)
        }
        let output = try updates(plan.output)[0]
        var embedding: (right: [Float], left: [Float], rank: Int, width: Int)? = nil
        if let list = pairs[plan.embedding.name], plan.embedding.name != plan.output.tensor.name {
            used.insert(plan.embedding.name)
            embedding = embeddingUpdate(list, width: plan.embedding.dimensions[0], vocabulary: plan.embedding.dimensions[1])
        }
        if let unused = pairs.keys.sorted().first(where: { !used.contains($0) }) {
            throw ModelError(description: "a LoRA adapter targets '\(unused)', which the model does not multiply by")
        }
        return LoRAWeights(layers: layers, output: output, embedding: embedding)
    }

    /// The update of `slot` in layer `l` (ignored for the LM head), if any.
    func update(layer l: Int, _ slot: LoRASlot) -> LoRAUpdate? {
        slot == .output ? output : layers[l][slot.rawValue]
    }

    private init(layers: [[LoRAUpdate?]], output: LoRAUpdate?, embedding: (right: [Float], left: [Float], rank: Int, width: Int)?) {
        self.layers = layers
        self.output = output
        self.embedding = embedding
    }

    /// A and B of every pair in `list`, B restricted to `rows` of the target and scaled by its factor.
    private static func stacked(_ list: [(pair: LoRAPair, adapter: LoRAAdapter)], rows: Range<Int>,
                                columns: Int) throws(ModelError) -> LoRAUpdate {
        let rank = list.reduce(0) { $0 + $1.pair.rank }
        var a: [Float] = [], b = [Float](repeating: 0, count: rows.count * rank), offset = 0
        a.reserveCapacity(rank * columns)
        for (pair, adapter) in list {
            let r = pair.rank, factor = adapter.factor(rank: r)
            a += LoRAMerge.floats(adapter.file, pair.a)   // r × columns
            let pb = LoRAMerge.floats(adapter.file, pair.b)   // target rows × r
            for (o, row) in rows.enumerated() {
                for k in 0..<r { b[o * rank + offset + k] = factor * pb[row * r + k] }
            }
            offset += r
        }
        func matrix(_ values: [Float], rows: Int, columns: Int) throws(ModelError) -> WeightMatrix {
            let result = values.withUnsafeBytes { bytes in
                Result { () throws(ModelError) in try WeightMatrix(type: .f32, data: bytes, rows: rows, columns: columns) }
            }
            return try result.get()
        }
        return LoRAUpdate(a: try matrix(a, rows: rank, columns: columns), b: try matrix(b, rows: rows.count, columns: rank))
    }

    /// token_embd's pairs stacked: right = each lora_a (vocabulary × r, stored transposed), left = each
    /// lora_b scaled by its factor (width × r).
    private static func embeddingUpdate(_ list: [(pair: LoRAPair, adapter: LoRAAdapter)], width: Int,
                                        vocabulary: Int) -> (right: [Float], left: [Float], rank: Int, width: Int) {
        let rank = list.reduce(0) { $0 + $1.pair.rank }
        var right = [Float](repeating: 0, count: vocabulary * rank), left = [Float](repeating: 0, count: width * rank), offset = 0
        for (pair, adapter) in list {
            let r = pair.rank, factor = adapter.factor(rank: r)
            let a = LoRAMerge.floats(adapter.file, pair.a), b = LoRAMerge.floats(adapter.file, pair.b)
            for t in 0..<vocabulary { for k in 0..<r { right[t * rank + offset + k] = a[t * r + k] } }
            for e in 0..<width { for k in 0..<r { left[e * rank + offset + k] = factor * b[e * r + k] } }
            offset += r
        }
        return (right, left, rank, width)
    }

    /// Adds token `token`'s embedding update to its looked-up row `row`.
    func addEmbedding(token: Int, into row: UnsafeMutablePointer<Float>) {
        guard let (right, left, rank, width) = embedding else { return }
        for e in 0..<width {
            var sum: Float = 0
            for k in 0..<rank { sum += left[e * rank + k] * right[token * rank + k] }
            row[e] += sum
        }
    }
}
