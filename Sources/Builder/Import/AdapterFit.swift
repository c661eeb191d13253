import Runtime

/// Checks that a GGUF LoRA adapter can be applied to a base model, and says exactly what does not fit.
public enum AdapterFit {
    /// Every reason `adapter` cannot be applied to `base`; empty when it fits.
    public static func problems(adapter: GGUFFile, base: GGUFFile) -> [String] {
        var problems: [String] = []
        if adapter["general.type"]?.string != "adapter" || adapter["adapter.type"]?.string != "lora" {
            problems.append("it is not a LoRA adapter (general.type '\(adapter["general.type"]?.string ?? "none")', adapter.type '\(adapter["adapter.type"]?.string ?? "none")')")
        }
        if adapter.architecture != base.architecture {
            problems.append("it is for architecture '\(adapter.architecture ?? "none")' but the base model is '\(base.architecture ?? "none")'")
        }
        var pairs: [String: (a: GGUFTensorInfo?, b: GGUFTensorInfo?)] = [:]
        for t in adapter.tensors {
            if t.name.hasSuffix(".lora_a") { pairs[String(t.name.dropLast(7)), default: (nil, nil)].a = t }
            else if t.name.hasSuffix(".lora_b") { pairs[String(t.name.dropLast(7)), default: (nil, nil)].b = t }
            else { problems.append("tensor '\(t.name)' is neither lora_a nor lora_b") }
        }
        for (target, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            guard let a = pair.a, let b = pair.b else {
                problems.append("'\(target)' has \(pair.a == nil ? "no lora_a" : "no lora_b")")
                continue
            }
            guard let weight = base.tensor(named: target) else {
                problems.append("the base model has no tensor '\(target)'")
                continue
            }
            // base ne = [in, out]; lora_a ne = [in, r]; lora_b ne = [r, out].
            let input = weight.dimensions.first ?? 0, output = weight.dimensions.count > 1 ? weight.dimensions[1] : 1
            let shapeA = a.dimensions, shapeB = b.dimensions
            if shapeA.count != 2 || shapeB.count != 2 {
                problems.append("'\(target)': lora_a and lora_b must be matrices")
                continue
            }
            if shapeA[0] != input { problems.append("'\(target)': lora_a has \(shapeA[0]) inputs, the base weight has \(input)") }
            if shapeB[1] != output { problems.append("'\(target)': lora_b has \(shapeB[1]) outputs, the base weight has \(output)") }
            if shapeA[1] != shapeB[0] { problems.append("'\(target)': rank \(shapeA[1]) in lora_a but \(shapeB[0]) in lora_b") }
        }
        return problems
    }
}
