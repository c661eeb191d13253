import KernelInterface

// Preallocated activations for a batch of up to `batchCapacity` tokens, so a forward pass
// allocates nothing. Shapes are (tokens, width), row-major.

/// Scratch buffers of the forward pass.
final class RunState: @unchecked Sendable {
    let batchCapacity: Int
    let x: UnsafeMutablePointer<Float>        // (B, d) residual stream
    let xb: UnsafeMutablePointer<Float>       // (B, d) normed input / matrix output
    let q: UnsafeMutablePointer<Float>        // (B, qDim)
    let k: UnsafeMutablePointer<Float>        // (B, kvDim)
    let v: UnsafeMutablePointer<Float>        // (B, kvDim)
    let attention: UnsafeMutablePointer<Float> // (B, qDim) attention output
    let gate: UnsafeMutablePointer<Float>     // (B, ff)
    let up: UnsafeMutablePointer<Float>       // (B, ff)
    let rope: UnsafeMutablePointer<Float>     // (B, ropeDim) (cos, sin) for the global base
    let ropeLocal: UnsafeMutablePointer<Float> // (B, ropeDim) for the sliding-window base
    let scores: UnsafeMutablePointer<Float>   // (threads, scoresPerWorker)
    let scoresPerWorker: Int
    /// Keys of one layer as f32 (kvDim, keysByDimensionStride) for tiled attention; empty when batches
    /// are too small to take that path.
    let keysByDimension: UnsafeMutablePointer<Float>
    let keysByDimensionStride: Int
    let groupScratch: UnsafeMutablePointer<Float> // (threads, groupScratchCount): attendGroup's per-worker scratch
    let groupScratchCount: Int
    let inputD: PreparedBatch                 // inputs of width d
    let inputQ: PreparedBatch                 // inputs of width qDim (attention output)
    let inputFF: PreparedBatch                // inputs of width ff
    /// Workers the per-worker scratch is sized for.
    let workerCount: Int
    let widenScratch: UnsafeMutablePointer<Float> // (threads, kvDim): one row of a quantized cache as f32
    /// Keys and values of quantized caches widened to f16 for attention; grows to the largest batch's need.
    private var widened: AlignedBuffer?
    /// Partial results of decode attention split over position chunks; grows to the largest batch's need.
    private var splitPartials: AlignedBuffer?
    /// The storage of the fixed buffers above (large ones are mappings of their own, see `AlignedBuffer`).
    private let buffers: [AlignedBuffer]

    init(config c: LlamaConfig, batchCapacity: Int, contextLength: Int, threads: Int, kernels: KernelTable) {
        self.batchCapacity = batchCapacity
        var all: [AlignedBuffer] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let buffer = AlignedBuffer(floats: count)
            all.append(buffer)
            return buffer.floats
        }
        let b = batchCapacity
        x = make(b * c.embeddingLength)
        xb = make(b * c.embeddingLength)
        q = make(b * c.qDimension)
        k = make(b * c.kvDimension)
        v = make(b * c.kvDimension)
        attention = make(b * c.qDimension)
        gate = make(b * c.feedForwardLength)
        up = make(b * c.feedForwardLength)
        rope = make(b * c.ropeDimension)
        ropeLocal = make(b * c.ropeDimension)
        scoresPerWorker = max(contextLength, 64)
        scores = make(threads * scoresPerWorker)
        // Padded by 16 positions so a vector load at the last visible position stays inside.
        keysByDimensionStride = contextLength + 16
        keysByDimension = make(batchCapacity >= 64 ? c.kvDimension * keysByDimensionStride : 0)
        workerCount = threads
        widenScratch = make(threads * c.kvDimension)
        groupScratchCount = kernels.attendGroupScratch(c.headCount, c.headDimension)
        groupScratch = make(threads * groupScratchCount)
        buffers = all
        inputD = PreparedBatch(columns: c.embeddingLength, capacity: b, kernels: kernels)
        inputQ = PreparedBatch(columns: c.qDimension, capacity: b, kernels: kernels)
        inputFF = PreparedBatch(columns: c.feedForwardLength, capacity: b, kernels: kernels)
    }

    /// Scratch for `halves` f16 values (contents undefined), kept for the next batch.
    func widenedKV(halves: Int) -> UnsafeMutablePointer<Float16> {
        let bytes = halves * MemoryLayout<Float16>.stride
        if widened.map({ $0.count < bytes }) ?? true { widened = AlignedBuffer(bytes: max(bytes, 2 * (widened?.count ?? 0))) }
        return widened!.base.bindMemory(to: Float16.self, capacity: widened!.count / MemoryLayout<Float16>.stride)
    }

    /// Scratch for `count` floats of split-attention partials (contents undefined), kept for the next batch.
    func partials(count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        if splitPartials.map({ $0.count < bytes }) ?? true { splitPartials = AlignedBuffer(bytes: max(bytes, 2 * (splitPartials?.count ?? 0))) }
        return splitPartials!.floats
    }
}
