// Applies GGUF LoRA adapters to a model: W' = W + Σ scale·(alpha/r)·B·A for every targeted weight,
// written as F32 (other tensors are copied unchanged), so the runtime can load the result like any model.

/// One adapter and its user scale (1 = the trained strength).
public struct LoRAAdapter: Sendable {
    public let file: GGUFFile
    public let scale: Float
    public init(file: GGUFFile, scale: Float = 1) {
        self.file = file
        self.scale = scale
    }

    /// `adapter.lora.alpha / r`, the factor PEFT applies to B·A (r read from the first lora_a).
    public var alphaOverRank: Float {
        let rank = file.tensors.first { $0.name.hasSuffix(".lora_a") }?.dimensions.last ?? 0
        guard rank > 0, let alpha = file["adapter.lora.alpha"]?.double, alpha > 0 else { return 1 }
        return Float(alpha) / Float(rank)
    }
}

public enum LoRAMerge {
    /// Writes `base` with every adapter merged into its target weights at `outputPath`.
    /// - Throws: `QuantizeError` when an adapter does not match the base (missing target, shapes, types).
    public static func merge(base: GGUFFile, adapters: [LoRAAdapter], outputPath: String) throws(QuantizeError) {
        // target name → [(A, B, factor)]
        var deltas: [String: [(a: GGUFTensorInfo, b: GGUFTensorInfo, adapter: GGUFFile, factor: Float)]] = [:]
        for adapter in adapters {
            for a in adapter.file.tensors where a.name.hasSuffix(".lora_a") {
                let target = String(a.name.dropLast(7))
                guard let b = adapter.file.tensor(named: target + ".lora_b"), let w = base.tensor(named: target) else {
                    throw QuantizeError("adapter tensor '\(a.name)' has no lora_b or no base weight '\(target)'")
                }
                guard a.dimensions.count == 2, b.dimensions.count == 2, w.dimensions.count == 2,
                      a.dimensions[0] == w.dimensions[0], b.dimensions[1] == w.dimensions[1], a.dimensions[1] == b.dimensions[0],
                      canReadAsFloat(a.type), canReadAsFloat(b.type), canReadAsFloat(w.type) else {
                    throw QuantizeError("adapter for '\(target)' does not match it: lora_a \(a.dimensions), lora_b \(b.dimensions), weight \(w.dimensions)")
                }
                deltas[target, default: []].append((a, b, adapter.file, adapter.scale * adapter.alphaOverRank))
            }
        }
        let outputs = base.tensors.map { t in
            deltas[t.name] == nil ? GGUFOutputTensor(name: t.name, dimensions: t.dimensions, type: t.type, byteCount: t.byteCount)
                                  : GGUFOutputTensor(name: t.name, dimensions: t.dimensions, type: .f32, byteCount: 4 * t.elementCount)
        }
        let metadata = base.metadata.filter { $0.key != "general.alignment" }
        var out = try OutputFile(path: outputPath)
        try out.write(GGUFHeaderEncoder.encode(metadata: metadata, tensors: outputs, alignment: 32))
        for (t, output) in zip(base.tensors, outputs) {
            if let list = deltas[t.name] {
                try out.write(mergedWeight(base, t, list))
            } else {
                try out.write(base.data(of: t))
            }
            try out.writeZeros(padded(output.byteCount, to: 32) - output.byteCount)
        }
        try out.commit()
    }

    /// W (dequantized) plus each factor·B·A, row by row: W'[o][i] = W[o][i] + f·Σ_k B[o][k]·A[k][i].
    static func mergedWeight(_ base: GGUFFile, _ w: GGUFTensorInfo,
                             _ list: [(a: GGUFTensorInfo, b: GGUFTensorInfo, adapter: GGUFFile, factor: Float)]) -> [Float] {
        let inputs = w.dimensions[0], outputs = w.dimensions[1]
        var result = [Float](repeating: 0, count: inputs * outputs)
        result.withUnsafeMutableBufferPointer { r in
            guard let dst = r.baseAddress, let src = base.data(of: w).baseAddress else { return }
            readAsFloat(w.type, src, count: inputs * outputs, into: dst)
            for (a, b, file, factor) in list {
                let rank = a.dimensions[1]
                var fa = [Float](repeating: 0, count: inputs * rank), fb = [Float](repeating: 0, count: rank * outputs)
                fa.withUnsafeMutableBufferPointer { p in if let s = file.data(of: a).baseAddress, let d = p.baseAddress { readAsFloat(a.type, s, count: inputs * rank, into: d) } }
                fb.withUnsafeMutableBufferPointer { p in if let s = file.data(of: b).baseAddress, let d = p.baseAddress { readAsFloat(b.type, s, count: rank * outputs, into: d) } }
                for o in 0..<outputs {
                    for i in 0..<inputs {
                        var sum: Float = 0
                        for k in 0..<rank { sum += fb[o * rank + k] * fa[k * inputs + i] }
                        dst[o * inputs + i] += factor * sum
                    }
                }
            }
        }
        return result
    }
}
