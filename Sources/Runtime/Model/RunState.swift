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
    let halfScratch: UnsafeMutablePointer<Float16> // (threads, 2, headDimension): f16 query and accumulator
    let inputD: PreparedBatch                 // inputs of width d
    let inputQ: PreparedBatch                 // inputs of width qDim (attention output)
    let inputFF: PreparedBatch                // inputs of width ff
    private var buffers: [UnsafeMutablePointer<Float>] = []

    init(config c: LlamaConfig, batchCapacity: Int, contextLength: Int, threads: Int, kernels: KernelTable) {
        self.batchCapacity = batchCapacity
        var all: [UnsafeMutablePointer<Float>] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            all.append(p)
            return p
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
        halfScratch = .allocate(capacity: threads * 2 * c.headDimension)
        halfScratch.initialize(repeating: 0, count: threads * 2 * c.headDimension)
        buffers = all
        inputD = PreparedBatch(columns: c.embeddingLength, capacity: b, kernels: kernels)
        inputQ = PreparedBatch(columns: c.qDimension, capacity: b, kernels: kernels)
        inputFF = PreparedBatch(columns: c.feedForwardLength, capacity: b, kernels: kernels)
    }

    deinit {
        for p in buffers { p.deallocate() }
        halfScratch.deallocate()
    }
}
