// Applies GGUF LoRA adapters to a model: W' = W + Σ factor·B·A for every targeted weight (conventions in
// LoRAAdapter.swift), written as F32 (other tensors are copied unchanged), so the runtime loads the result
// like any model. The runtime no longer loads adapters this way (LoRAWeights applies them beside the
// quantized matrices, as llama.cpp does); the merged file is the f32 reference tests compare it with.

package enum LoRAMerge {
    /// One update to add to a target weight.
    struct Update {
        let pair: LoRAPair
        let file: GGUFFile
        let factor: Float
    }

    /// Writes `base` with every adapter merged, in order, into its target weights at `outputPath`.
    /// - Throws: `QuantizeError` listing every reason an adapter does not fit the base.
    package static func merge(base: GGUFFile, adapters: [LoRAAdapter], outputPath: String) throws(QuantizeError) {
        do { try LoRAAdapter.checkFit(adapters, base: base) } catch { throw QuantizeError(error.description) }
        var updates: [String: [Update]] = [:]
        for adapter in adapters {
            for pair in adapter.pairs.pairs {
                updates[pair.target, default: []].append(Update(pair: pair, file: adapter.file, factor: adapter.factor(rank: pair.rank)))
            }
        }
        let outputs = base.tensors.map { t in
            updates[t.name] == nil ? GGUFOutputTensor(name: t.name, dimensions: t.dimensions, type: t.type, byteCount: t.byteCount)
                                   : GGUFOutputTensor(name: t.name, dimensions: t.dimensions, type: .f32, byteCount: 4 * t.elementCount)
        }
        let metadata = base.metadata.filter { $0.key != "general.alignment" }
        var out = try OutputFile(path: outputPath)
        try out.write(GGUFWriter.header(metadata: metadata, tensors: outputs, alignment: 32))
        for (t, output) in zip(base.tensors, outputs) {
            if let list = updates[t.name] {
                try out.write(mergedWeight(base, t, list))
            } else {
                try out.write(base.data(of: t))
            }
            try out.writeZeros(padded(output.byteCount, to: 32) - output.byteCount)
        }
        try out.commit()
    }

    /// W (as floats, rows × columns = ne[1] × ne[0]) plus each factor·L·R, where L (rows × r) and
    /// R (r × columns) are B and A, or for token_embd A and Bᵀ (lora_a is stored transposed there).
    static func mergedWeight(_ base: GGUFFile, _ w: GGUFTensorInfo, _ list: [Update]) -> [Float] {
        let columns = w.dimensions[0], rows = w.dimensions[1]
        var result = [Float](repeating: 0, count: columns * rows)
        result.withUnsafeMutableBufferPointer { r in
            guard let dst = r.baseAddress, let src = base.data(of: w).baseAddress else { return }
            readAsFloat(w.type, src, count: columns * rows, into: dst)
            for update in list {
                let rank = update.pair.rank
                let a = floats(update.file, update.pair.a), b = floats(update.file, update.pair.b)
                let left: [Float], right: [Float]
                if update.pair.isTokenEmbedding {
                    left = a
                    right = (0..<rank * columns).map { b[($0 % columns) * rank + $0 / columns] }
                } else {
                    left = b
                    right = a
                }
                addLowRankProduct(dst, rows: rows, columns: columns, rank: rank, factor: update.factor, left: left, right: right)
            }
        }
        return result
    }

    /// dst[o][i] += factor · Σ_k left[o][k] · right[k][i]: the sum per row first (k in order, over
    /// contiguous columns), then scaled, so the rounding is that of the plain per-element formula.
    static func addLowRankProduct(_ dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rank: Int, factor: Float,
                                  left: [Float], right: [Float]) {
        var sum = [Float](repeating: 0, count: columns)
        left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                sum.withUnsafeMutableBufferPointer { s in
                    guard let l = l.baseAddress, let r = r.baseAddress, let s = s.baseAddress else { return }
                    for o in 0..<rows {
                        s.update(repeating: 0, count: columns)
                        for k in 0..<rank {
                            let c = l[o * rank + k], rk = r + k * columns
                            for i in 0..<columns { s[i] += c * rk[i] }
                        }
                        let row = dst + o * columns
                        for i in 0..<columns { row[i] += factor * s[i] }
                    }
                }
            }
        }
    }

    /// A tensor's values as floats (any type `readAsFloat` handles).
    package static func floats(_ file: GGUFFile, _ t: GGUFTensorInfo) -> [Float] {
        var values = [Float](repeating: 0, count: t.elementCount)
        values.withUnsafeMutableBufferPointer { p in
            if let s = file.data(of: t).baseAddress, let d = p.baseAddress { readAsFloat(t.type, s, count: t.elementCount, into: d) }
        }
        return values
    }
}
