import Foundation

/// Throughput of one weight matrix's matrix-vector product and of its product with a batch of tokens (prompt
/// processing), measured on a loaded model.
package struct KernelFigure: Sendable {
    package let name: String
    package let type: String
    package let rows: Int
    package let columns: Int
    /// Repacked weight bytes read per product.
    package let bytes: Int
    /// Best time of one product (prepared input, all threads), in seconds.
    package let seconds: Double
    /// Tokens of the batched product, and its best time.
    package let batchTokens: Int
    package let batchSeconds: Double
    package var gigabytesPerSecond: Double { Double(bytes) / seconds / 1e9 }
    /// Multiply-adds per second of the batched product.
    package var batchGigaMACs: Double { Double(rows * columns * batchTokens) / batchSeconds / 1e9 }
}

extension LlamaModel {
    /// Times the matrix-vector product of the first matrix of each role and type (over all layers) and the
    /// LM head: the best of `repetitions` runs after one warm-up (so small matrices are cache-hot, as in a real
    /// token only when they fit in L2; the figures are an upper bound on kernel speed, not a model estimate), and
    /// the best of `repetitions / 4` products with `batchTokens` tokens.
    package func kernelFigures(repetitions: Int = 20, batchTokens: Int = 64) -> [KernelFigure] {
        var named: [(String, WeightMatrix)] = []
        for layer in weights.layers {
            let roles = [("attn_q", layer.q), ("attn_k", layer.k), ("attn_v", layer.v), ("attn_output", layer.o),
                         ("ffn_gate", layer.gate), ("ffn_up", layer.up), ("ffn_down", layer.down)]
            for (name, matrix) in roles where !named.contains(where: { $0.0 == name && $0.1.sourceType == matrix.sourceType }) {
                named.append((name, matrix))
            }
        }
        named.append(("output", weights.output))
        var figures: [KernelFigure] = []
        for (name, matrix) in named {
            let seconds = bestProductTime(matrix, tokens: 1, repetitions: repetitions)
            let batchSeconds = bestProductTime(matrix, tokens: batchTokens, repetitions: max(1, repetitions / 4))
            figures.append(KernelFigure(name: name, type: matrix.sourceType.name, rows: matrix.rows, columns: matrix.columns,
                                        bytes: matrix.byteCount, seconds: seconds, batchTokens: batchTokens, batchSeconds: batchSeconds))
        }
        return figures
    }

    /// The best time of `matrix` times `tokens` prepared inputs (all threads) over `repetitions` runs after one warm-up.
    private func bestProductTime(_ matrix: WeightMatrix, tokens: Int, repetitions: Int) -> Double {
        let input = PreparedBatch(columns: matrix.columns, capacity: tokens, kernels: kernels)
        let x = (0..<matrix.columns * tokens).map { Float(sin(Double($0))) }
        x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: tokens, stride: matrix.columns) }
        let out = UnsafeMutablePointer<Float>.allocate(capacity: matrix.rows * tokens)
        defer { out.deallocate() }
        var best = Double.infinity
        for _ in 0...max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            multiply(input, (matrix, out))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// Worker threads this model computes with.
    package var threadCount: Int { pool.threadCount }
}
