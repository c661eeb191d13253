import Foundation

/// Throughput of one weight matrix's matrix-vector product, measured on a loaded model.
package struct KernelFigure: Sendable {
    package let name: String
    package let type: String
    package let rows: Int
    package let columns: Int
    /// Repacked weight bytes read per product.
    package let bytes: Int
    /// Best time of one product (prepared input, all threads), in seconds.
    package let seconds: Double
    package var gigabytesPerSecond: Double { Double(bytes) / seconds / 1e9 }
}

extension LlamaModel {
    /// Times the matrix-vector product of the first matrix of each role and type (over all layers) and the
    /// LM head: the best of `repetitions` runs after one warm-up (so small matrices are cache-hot, as in a real
    /// token only when they fit in L2; the figures are an upper bound on kernel speed, not a model estimate).
    package func kernelFigures(repetitions: Int = 20) -> [KernelFigure] {
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
            let input = PreparedBatch(columns: matrix.columns, capacity: 1, kernels: kernels)
            let x = (0..<matrix.columns).map { Float(sin(Double($0))) }
            x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: 1, stride: matrix.columns) }
            let out = UnsafeMutablePointer<Float>.allocate(capacity: matrix.rows)
            defer { out.deallocate() }
            var best = Double.infinity
            for _ in 0...max(1, repetitions) {
                let start = DispatchTime.now().uptimeNanoseconds
                multiply(input, (matrix, out))
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            figures.append(KernelFigure(name: name, type: matrix.sourceType.name, rows: matrix.rows, columns: matrix.columns,
                                        bytes: matrix.byteCount, seconds: best))
        }
        return figures
    }

    /// Worker threads this model computes with.
    package var threadCount: Int { pool.threadCount }
}
