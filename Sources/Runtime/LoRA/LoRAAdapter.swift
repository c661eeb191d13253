// A GGUF LoRA adapter as llama.cpp reads it (src/llama-adapter.cpp; convert_lora_to_gguf.py writes it):
//   general.type = "adapter", adapter.type = "lora", general.architecture = the base's,
//   adapter.lora.alpha (f32; absent or 0 means the user scale is used alone),
//   per target weight W (ne = [in, out]): "<W name>.lora_a" ne = [in, r] and ".lora_b" ne = [r, out],
//   so W' = W + factor · B·A with factor = scale · alpha / r, r taken from each pair's lora_b.
//   token_embd is the exception: lora_a is stored transposed, ne = [r, n_vocab], and lora_b ne = [r, n_embd];
//   llama.cpp adds B·A[token] to the looked-up row only, never to a tied output projection.
//   "*_norm.weight" tensors are skipped, as llama.cpp does.

/// One low-rank update of a base weight.
package struct LoRAPair: Sendable {
    /// The base tensor's name, e.g. `blk.0.attn_q.weight`.
    package let target: String
    package let a: GGUFTensorInfo
    package let b: GGUFTensorInfo
    /// True for `token_embd.weight`, whose lora_a is stored transposed.
    package var isTokenEmbedding: Bool { target.hasSuffix("token_embd.weight") }
    /// The rank as llama.cpp takes it: lora_b's first dimension.
    package var rank: Int { b.dimensions.first ?? 0 }
}

/// One adapter and its user scale (1 = the trained strength).
package struct LoRAAdapter: Sendable {
    package let file: GGUFFile
    package let scale: Float

    package init(file: GGUFFile, scale: Float = 1) {
        self.file = file
        self.scale = scale
    }

    /// `adapter.lora.alpha`, nil when absent or 0 (llama.cpp then applies the user scale alone).
    package var alpha: Float? {
        guard let a = file["adapter.lora.alpha"]?.double, a != 0 else { return nil }
        return Float(a)
    }

    /// The factor multiplying B·A for a pair of `rank`: scale · alpha / rank, or scale without alpha.
    package func factor(rank: Int) -> Float {
        guard let alpha, rank > 0 else { return scale }
        return scale * alpha / Float(rank)
    }

    /// The lora_a/lora_b pairs in file order, and every structural problem (a lone half, a tensor that is
    /// neither); "*_norm.weight" tensors are ignored as llama.cpp ignores them.
    package var pairs: (pairs: [LoRAPair], problems: [String]) {
        var halves: [String: (a: GGUFTensorInfo?, b: GGUFTensorInfo?)] = [:], order: [String] = []
        var problems: [String] = []
        for t in file.tensors {
            let isA = t.name.hasSuffix(".lora_a")
            guard isA || t.name.hasSuffix(".lora_b") else {
                if !t.name.hasSuffix("_norm.weight") { problems.append("tensor '\(t.name)' is neither lora_a nor lora_b") }
                continue
            }
            let target = String(t.name.dropLast(7))
            if halves[target] == nil { order.append(target) }
            if isA { halves[target, default: (nil, nil)].a = t } else { halves[target, default: (nil, nil)].b = t }
        }
        var pairs: [LoRAPair] = []
        for target in order {
            guard let half = halves[target], let a = half.a, let b = half.b else {
                problems.append("'\(target)' has \(halves[target]?.a == nil ? "no lora_a" : "no lora_b")")
                continue
            }
            pairs.append(LoRAPair(target: target, a: a, b: b))
        }
        return (pairs, problems)
    }

    /// Every reason this adapter cannot be applied to `base`, each naming the tensor and the numbers
    /// that disagree; empty when it fits.
    package func problems(base: GGUFFile) -> [String] {
        var problems: [String] = []
        if file["general.type"]?.string != "adapter" || file["adapter.type"]?.string != "lora" {
            problems.append("it is not a LoRA adapter (general.type '\(file["general.type"]?.string ?? "none")', adapter.type '\(file["adapter.type"]?.string ?? "none")')")
        }
        if file.architecture != base.architecture {
            problems.append("it is for architecture '\(file.architecture ?? "none")' but the base model is '\(base.architecture ?? "none")'")
        }
        let (pairs, structural) = self.pairs
        problems += structural
        for pair in pairs { problems += Self.problems(pair, base: base) }
        return problems
    }

    static func problems(_ pair: LoRAPair, base: GGUFFile) -> [String] {
        let target = pair.target
        guard let weight = base.tensor(named: target) else { return ["the base model has no tensor '\(target)'"] }
        let shapeA = pair.a.dimensions, shapeB = pair.b.dimensions, shapeW = weight.dimensions
        guard shapeA.count == 2, shapeB.count == 2, shapeW.count == 2 else {
            return ["'\(target)': lora_a \(shapeA), lora_b \(shapeB) and the weight \(shapeW) must all be matrices"]
        }
        var problems: [String] = []
        for (half, t) in [("lora_a", pair.a), ("lora_b", pair.b)] where !canReadAsFloat(t.type) {
            problems.append("'\(target)': \(half) has type \(t.type.name), which mfc cannot read")
        }
        if pair.isTokenEmbedding {
            // W ne = [n_embd, n_vocab]; lora_a ne = [r, n_vocab] (transposed); lora_b ne = [r, n_embd].
            if shapeA[1] != shapeW[1] { problems.append("'\(target)': lora_a has \(shapeA[1]) rows, the embedding has \(shapeW[1]) tokens (lora_a must be transposed for token_embd)") }
            if shapeB[1] != shapeW[0] { problems.append("'\(target)': lora_b has \(shapeB[1]) outputs, the embedding is \(shapeW[0]) wide") }
            if shapeA[0] != shapeB[0] { problems.append("'\(target)': rank \(shapeA[0]) in lora_a but \(shapeB[0]) in lora_b") }
            if base.tensor(named: "output.weight") == nil {
                problems.append("'\(target)': the base model ties its output to token_embd, and a LoRA on a tied embedding is not supported")
            }
            return problems
        }
        if shapeA[0] != shapeW[0] { problems.append("'\(target)': lora_a has \(shapeA[0]) inputs, the base weight has \(shapeW[0])") }
        if shapeB[1] != shapeW[1] { problems.append("'\(target)': lora_b has \(shapeB[1]) outputs, the base weight has \(shapeW[1])") }
        if shapeA[1] != shapeB[0] { problems.append("'\(target)': rank \(shapeA[1]) in lora_a but \(shapeB[0]) in lora_b") }
        if shapeB[0] < 1 { problems.append("'\(target)': rank is 0") }
        return problems
    }
}

extension LoRAAdapter {
    /// Throws every reason one of `adapters` cannot be applied to `base`, adapter by adapter.
    package static func checkFit(_ adapters: [LoRAAdapter], base: GGUFFile) throws(ModelError) {
        for (n, adapter) in adapters.enumerated() {
            let problems = adapter.problems(base: base)
            guard problems.isEmpty else {
                throw ModelError(description: "adapter \(n + 1) (\(adapter.file.path)) does not fit the model:\n  - "
                                 + problems.joined(separator: "\n  - "))
            }
        }
    }
}
