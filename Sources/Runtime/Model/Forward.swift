import Foundation

// The forward pass of a batch of tokens, top to bottom (llama.cpp's llama and gemma graphs). The batch
// is made of segments: runs of consecutive tokens of one sequence each (a prompt chunk, or the next
// token of a sequence being decoded). Every matrix is read once for all rows; only the KV cache store
// and attention look at which sequence a row belongs to.
// Shapes: d = embeddingLength, T = rows in the batch; buffers are (T, width) rows in `state`.

extension LlamaModel {
    /// Runs the segments' tokens (`tokens`, one per row in segment order), filling each sequence's KV cache;
    /// writes the logits of each segment's `outputRows`, in order, to `logits` when it is not nil.
    /// - Parameter locatingNonFinite: check the residual stream after the embeddings and after every layer,
    ///   and stop at the first NaN or infinity (the slow path after the logits came out non-finite).
    /// - Returns: where the first non-finite value appeared, when locating; nil otherwise.
    @discardableResult
    func forwardBatch(_ segments: [BatchSegment], tokens: UnsafePointer<Int32>,
                      logits: UnsafeMutablePointer<Float>?, locatingNonFinite: Bool = false) -> NonFiniteSite? {
        let c = config, s = state, w = weights
        let d = c.embeddingLength, qDim = c.qDimension, kvDim = c.kvDimension, ff = c.feedForwardLength
        let hd = c.headDimension, eps = c.rmsEpsilon, gemma = c.isGemma
        let T = segments.reduce(0) { $0 + $1.count }
        // Each row's segment and position; rows of segments under 64 tokens attend together.
        var rowSegment = [Int](repeating: 0, count: T), rowPosition = [Int](repeating: 0, count: T)
        var onlineRows: [(row: Int, segment: Int)] = []
        for (i, segment) in segments.enumerated() {
            for t in 0..<segment.count {
                rowSegment[segment.firstRow + t] = i
                rowPosition[segment.firstRow + t] = segment.position + t
                if segment.count < 64 { onlineRows.append((segment.firstRow + t, i)) }
            }
        }

        // Embeddings (gemma scales them by sqrt(d)) and this batch's RoPE tables.
        for t in 0..<T {
            let position = rowPosition[t]
            w.embed(Int(tokens[t]), into: s.x + t * d)
            if gemma {
                let scale = Float(d).squareRoot()
                for i in 0..<d { s.x[t * d + i] *= scale }
            }
            if let factors = ropeFactors {
                scaledRopeTable(position: position, ropeDimension: c.ropeDimension, base: c.ropeBase, scale: c.ropeScale,
                                factors: factors, attentionFactor: c.ropeAttentionFactor, into: s.rope + t * c.ropeDimension)
            } else {
                ropeTable(position: position, ropeDimension: c.ropeDimension, base: c.ropeBase, scale: c.ropeScale,
                          into: s.rope + t * c.ropeDimension)
            }
            if c.slidingWindow > 0 {
                ropeTable(position: position, ropeDimension: c.ropeDimension, base: c.ropeBaseLocal, scale: 1,
                          into: s.ropeLocal + t * c.ropeDimension)
            }
        }

        if locatingNonFinite && !allFinite(s.x, T * d) { return .embedding }

        for (l, layer) in w.layers.enumerated() {
            // Attention block: xb = norm(x); q, k, v = W·xb  (T, qDim), (T, kvDim), (T, kvDim)
            for t in 0..<T { rmsNorm(s.x + t * d, layer.attentionNorm, s.xb + t * d, d, eps: eps) }
            s.inputD.prepare(s.xb, count: T, stride: d)
            multiply(s.inputD, (layer.q, s.q), (layer.k, s.k), (layer.v, s.v))
            addLoRA(layer: l, input: s.inputD, (.q, s.q), (.k, s.k), (.v, s.v))
            let sliding = c.isSlidingWindowLayer(l)
            let table = sliding ? s.ropeLocal : s.rope
            for t in 0..<T {
                let q = s.q + t * qDim, k = s.k + t * kvDim, v = s.v + t * kvDim
                if let b = layer.qBias { for i in 0..<qDim { q[i] += b[i] } }
                if let b = layer.kBias { for i in 0..<kvDim { k[i] += b[i] } }
                if let b = layer.vBias { for i in 0..<kvDim { v[i] += b[i] } }
                if let qn = layer.qNorm, let kn = layer.kNorm {
                    for h in 0..<c.headCount { rmsNorm(q + h * hd, qn, q + h * hd, hd, eps: eps) }
                    for h in 0..<c.kvHeadCount { rmsNorm(k + h * hd, kn, k + h * hd, hd, eps: eps) }
                }
                let cosSin = table + t * c.ropeDimension
                applyRoPE(q, heads: c.headCount, headDimension: hd, ropeDimension: c.ropeDimension, neox: c.ropeIsNeoX, cosSin)
                applyRoPE(k, heads: c.kvHeadCount, headDimension: hd, ropeDimension: c.ropeDimension, neox: c.ropeIsNeoX, cosSin)
                if c.scalesQueryBeforeAttention {
                    // The gemmas and phi3 scale Q before attention and then use kq_scale = 1.
                    let scale = c.queryScale
                    for i in 0..<qDim { q[i] *= scale }
                }
                if let rotation = kvRotation {
                    rotation.rotateQueriesAndKeys(layer: l, q, count: qDim, k, count: kvDim)
                    rotation.rotateValues(v, count: kvDim)
                }
                segments[rowSegment[t]].sequence.cache.store(layer: l, position: rowPosition[t], key: k, value: v)
            }
            attend(layer: l, segments, onlineRows: onlineRows, window: sliding ? c.slidingWindow : 0)
            if let rotation = kvRotation {
                // The values were stored rotated: rotating the weighted sum by the same H undoes it.
                for t in 0..<T { rotation.rotateValues(s.attention + t * qDim, count: qDim) }
            }
            s.inputQ.prepare(s.attention, count: T, stride: qDim)
            multiply(s.inputQ, (layer.o, s.xb))
            addLoRA(layer: l, input: s.inputQ, (.o, s.xb))
            addResidual(layer.postAttentionNorm, count: T)

            // Feed-forward block: x += down(act(gate(xb)) · up(xb))
            for t in 0..<T { rmsNorm(s.x + t * d, layer.ffnNorm, s.xb + t * d, d, eps: eps) }
            s.inputD.prepare(s.xb, count: T, stride: d)
            multiply(s.inputD, (layer.gate, s.gate), (layer.up, s.up))
            addLoRA(layer: l, input: s.inputD, (.gate, s.gate), (.up, s.up))
            for t in 0..<T {
                if let table = geluTable { geluGLU(s.gate + t * ff, s.up + t * ff, ff, table: table) } else { swiGLU(s.gate + t * ff, s.up + t * ff, ff) }
            }
            s.inputFF.prepare(s.gate, count: T, stride: ff)
            multiply(s.inputFF, (layer.down, s.xb))
            addLoRA(layer: l, input: s.inputFF, (.down, s.xb))
            addResidual(layer.postFFNNorm, count: T)
            if locatingNonFinite && !allFinite(s.x, T * d) { return .layer(l) }
        }

        guard let logits else { return nil }
        // Final norm and LM head, for the rows whose logits are wanted.
        var n = 0
        for segment in segments {
            for t in segment.outputRows {
                rmsNorm(s.x + (segment.firstRow + t) * d, w.outputNorm, s.xb + n * d, d, eps: eps)
                n += 1
            }
        }
        guard n > 0 else { return nil }
        s.inputD.prepare(s.xb, count: n, stride: d)
        multiply(s.inputD, (w.output, logits))
        addLoRA(layer: 0, input: s.inputD, (.output, logits))
        if c.finalLogitSoftcap > 0 {
            let cap = c.finalLogitSoftcap
            for i in 0..<n * c.vocabularySize { logits[i] = cap * tanhf(logits[i] / cap) }
        }
        return locatingNonFinite && !allFinite(logits, n * c.vocabularySize) ? .output : nil
    }

    /// x += f(xb) for each token, where f is the optional post-norm (gemma2, gemma3) or the identity.
    private func addResidual(_ postNorm: [Float]?, count T: Int) {
        let s = state, d = config.embeddingLength
        for t in 0..<T {
            let xb = s.xb + t * d, x = s.x + t * d
            if let postNorm { rmsNorm(xb, postNorm, xb, d, eps: config.rmsEpsilon) }
            for i in 0..<d { x[i] += xb[i] }
        }
    }
}
