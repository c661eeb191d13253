import KernelInterface

// The forward pass's hook for LoRA adapters: after a projection's quantized product, add B·(A·x) for the
// whole batch of rows, A·x read from the input already prepared for the projection. Each model has its
// own scratch, so models sharing weights (and their adapters) may run at the same time.

/// Per-model buffers of the low-rank products, one set per `LoRASlot`.
final class LoRAScratch: @unchecked Sendable {
    /// A·x of every row (rows × R of the slot's largest R).
    let low: [AlignedBuffer]
    /// B·(A·x) of every row (rows × the slot's output width), added to the projection's output after.
    let delta: [AlignedBuffer]
    /// A·x prepared as the input of B, per slot and R (layers may stack different ranks).
    let inputs: [[Int: PreparedBatch]]

    init(_ lora: LoRAWeights, batchCapacity: Int, kernels: KernelTable) {
        var ranks = [Set<Int>](repeating: [], count: LoRASlot.allCases.count)
        var widths = [Int](repeating: 0, count: LoRASlot.allCases.count)
        for l in lora.layers.indices {
            for slot in LoRASlot.allCases {
                guard let u = lora.update(layer: l, slot) else { continue }
                ranks[slot.rawValue].insert(u.rank)
                widths[slot.rawValue] = max(widths[slot.rawValue], u.b.rows)
            }
        }
        low = ranks.map { AlignedBuffer(bytes: 4 * batchCapacity * ($0.max() ?? 0)) }
        delta = widths.map { AlignedBuffer(bytes: 4 * batchCapacity * $0) }
        inputs = ranks.map { set in
            Dictionary(uniqueKeysWithValues: set.map { ($0, PreparedBatch(columns: $0, capacity: batchCapacity, kernels: kernels)) })
        }
    }
}

extension LlamaModel {
    /// Adds the adapters' updates of layer `l`'s `jobs` (slot, output of its projection from `input`) to
    /// their outputs, for the `input.count` rows; nothing without adapters.
    func addLoRA(layer l: Int, input: PreparedBatch, _ jobs: (slot: LoRASlot, out: UnsafeMutablePointer<Float>)...) {
        guard let lora = weights.lora, let scratch = loraScratch else { return }
        let T = input.count
        var updates: [(update: LoRAUpdate, slot: Int, out: UnsafeMutablePointer<Float>)] = []
        for job in jobs { if let u = lora.update(layer: l, job.slot) { updates.append((u, job.slot.rawValue, job.out)) } }
        guard !updates.isEmpty else { return }
        func floats(_ b: AlignedBuffer) -> UnsafeMutablePointer<Float> { b.base.assumingMemoryBound(to: Float.self) }
        multiply(updates.map { ($0.update.a, input, floats(scratch.low[$0.slot])) })
        var products: [(matrix: WeightMatrix, input: PreparedBatch, out: UnsafeMutablePointer<Float>)] = []
        for u in updates {
            guard let low = scratch.inputs[u.slot][u.update.rank] else { continue }
            low.prepare(floats(scratch.low[u.slot]), count: T, stride: u.update.rank)
            products.append((u.update.b, low, floats(scratch.delta[u.slot])))
        }
        multiply(products)
        for u in updates {
            let delta = floats(scratch.delta[u.slot])
            for i in 0..<T * u.update.b.rows { u.out[i] += delta[i] }
        }
    }
}
