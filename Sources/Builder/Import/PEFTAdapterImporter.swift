import Foundation
import Runtime

/// Converts a PEFT LoRA folder (adapter_config.json + adapter_model.safetensors) into a GGUF LoRA
/// adapter as llama.cpp reads it: `general.type = adapter`, `adapter.type = lora`, `adapter.lora.alpha`,
/// and per target `blk.N.<name>.weight.lora_a` (ne = [in, r]) and `.lora_b` (ne = [r, out]), F32.
/// For llama, lora_b's rows get the same rotary permutation as the base Q/K weights.
package enum PEFTAdapterImporter {
    package struct Summary: Sendable, Equatable {
        package var rank: Int
        package var alpha: Float
        package var pairCount: Int
    }

    /// Imports the adapter folder at `directory`; `baseArchitecture` is the GGUF architecture of the
    /// model it will be applied to (it decides the tensor naming and permutation).
    /// - Throws: `StoreError` naming the missing file, unexpected tensor or inconsistent rank.
    @discardableResult
    package static func importFolder(_ directory: String, baseArchitecture: String, baseHeads: (q: Int, kv: Int),
                                    to outputPath: String) throws(StoreError) -> Summary {
        guard let config = try HFCheckpoint.json(directory + "/adapter_config.json", required: true) else {
            throw StoreError("missing adapter_config.json in \(directory)")
        }
        guard let rank = config["r"]?.intValue, rank > 0 else { throw StoreError("\(directory)/adapter_config.json: missing or invalid r") }
        let alpha = Float(config["lora_alpha"]?.doubleValue ?? config["lora_parameters"]?["alpha"]?.doubleValue ?? Double(rank))
        // PEFT's rank_pattern gives some modules another rank; the scale alpha/r per tensor is then what
        // llama.cpp computes from each lora_b. A per-module alpha has no place in a GGUF LoRA.
        if case .object(let pattern)? = config["alpha_pattern"], !pattern.isEmpty {
            throw StoreError("\(directory)/adapter_config.json: alpha_pattern is not supported (a GGUF LoRA has one alpha)")
        }
        var rankPattern: [(module: String, rank: Int)] = []
        if case .object(let pattern)? = config["rank_pattern"] {
            for (module, value) in pattern {
                guard let r = value.intValue, r > 0 else { throw StoreError("\(directory)/adapter_config.json: rank_pattern '\(module)' is not a positive rank") }
                rankPattern.append((module, r))
            }
        }
        guard let arch = HFArchitecture.supported.values.first(where: { $0.ggufName == baseArchitecture }) else {
            throw StoreError("LoRA adapters for architecture \(baseArchitecture) are not supported")
        }
        let path = directory + "/adapter_model.safetensors"
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError("missing adapter_model.safetensors in \(directory)") }
        let file = try SafetensorsFile(path: path)

        var plans: [SafetensorsImporter.Plan] = []
        // Every tensor is checked and every problem reported at once, as the GGUF adapter fit check does.
        var problems: [String] = []
        for tensor in file.tensors {
            // base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight
            var name = tensor.name
            if name.hasPrefix("base_model.model.") { name.removeFirst("base_model.model.".count) }
            let kind: String
            if name.hasSuffix(".lora_A.weight") { kind = "lora_a" } else if name.hasSuffix(".lora_B.weight") { kind = "lora_b" } else {
                problems.append("unexpected tensor '\(tensor.name)' (expected lora_A/lora_B weights)")
                continue
            }
            let module = String(name.dropLast(".lora_A.weight".count))
            name = module + ".weight"
            guard let target = try arch.ggufName(of: name) else { continue }
            guard let sourceType = tensor.ggmlType, tensor.shape.count == 2 else {
                problems.append("tensor '\(tensor.name)' must be a 2-D F32, F16 or BF16 matrix")
                continue
            }
            let r = kind == "lora_a" ? tensor.shape[0] : tensor.shape[1]
            let expected = rankPattern.first { module == $0.module || module.hasSuffix("." + $0.module) }?.rank ?? rank
            guard r == expected else {
                problems.append("'\(tensor.name)' has rank \(r), adapter_config.json says r = \(expected)")
                continue
            }
            let dims = Array(tensor.shape.reversed())
            var rowSource: [Int]? = nil
            if kind == "lora_b", arch.permutesQK, target.hasSuffix("attn_q.weight") || target.hasSuffix("attn_k.weight") {
                let heads = target.hasSuffix("attn_q.weight") ? baseHeads.q : baseHeads.kv
                guard let p = ropeRowPermutation(rows: dims[1], heads: heads) else {
                    problems.append("'\(tensor.name)' rows do not split into \(heads) heads")
                    continue
                }
                rowSource = p
            }
            plans.append(SafetensorsImporter.Plan(
                file: file, source: tensor,
                output: GGUFOutputTensor(name: target + "." + kind, dimensions: dims, type: .f32, byteCount: dims[0] * dims[1] * 4),
                sourceType: sourceType, rowSource: rowSource, addOne: false))
        }
        let names = Set(plans.map(\.output.name))
        for name in names.sorted() where name.hasSuffix(".lora_a") && !names.contains(String(name.dropLast(7)) + ".lora_b") {
            problems.append("\(name) has no matching lora_b")
        }
        guard problems.isEmpty else {
            throw StoreError("\(path) does not fit:\n" + problems.map { "  - " + $0 }.joined(separator: "\n"))
        }
        guard !plans.isEmpty, names.count == plans.count else { throw StoreError("\(path): no LoRA tensor pairs found") }
        plans = TensorTypePolicy.llamaCppOrder(plans.map(\.output.name)).map { plans[$0] }
        let metadata: [(key: String, value: GGUFWriter.Value)] = [
            ("general.architecture", .value(.string(baseArchitecture))), ("general.type", .value(.string("adapter"))),
            ("adapter.type", .value(.string("lora"))), ("adapter.lora.alpha", .value(.float32(alpha))),
            ("general.file_type", .value(.uint32(0))),
        ]
        try SafetensorsImporter.writeGGUF(metadata: metadata, plans: plans, to: outputPath)
        return Summary(rank: rank, alpha: alpha, pairCount: plans.count / 2)
    }
}
