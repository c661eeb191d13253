import Foundation

// Causal attention over the f16 KV cache with llama.cpp's CPU flash-attention arithmetic, which the
// reference data comes from (ggml-cpu ops.cpp). ggml picks the path by the number of query tokens in
// the batch: 64 or more take `flash_attn_ext_tiled`, fewer (so every generated token) take
// `flash_attn_ext_f16_one_chunk`. Both are reproduced operation for operation, so the attention output
// is bit-identical whenever q, k and v are. The per-head arithmetic is in Kernels/ISA/Attention.swift.
// A batch may hold several sequences: each segment attends to its own cache, and the path is chosen per
// segment, so a sequence computes the same whether it is decoded alone or beside others.

extension LlamaModel {
    /// Causal (optionally sliding-window) attention of every head of every row in the batch against its
    /// segment's cache; writes state.attention (rows, qDim). Segments of 64 rows or more go one at a time
    /// (tiled); the (row, head) pairs of all smaller ones are split over the workers together.
    func attend(layer l: Int, _ segments: [BatchSegment], onlineRows: [(row: Int, segment: Int)], window: Int) {
        for segment in segments where segment.count >= 64 { attendTiled(layer: l, segment, window: window) }
        guard !onlineRows.isEmpty else { return }
        let c = config, s = state, hd = c.headDimension
        let group = c.headCount / c.kvHeadCount
        let kqScale: Float = c.scalesQueryBeforeAttention ? 1 : 1 / Float(hd).squareRoot()
        let softcap = c.attentionLogitSoftcap
        let pairs = onlineRows.count * c.headCount
        // Each worker's scratch is indexed by its number, so the split is by worker, not by range alone.
        let workers = WorkerPool.workers(for: pairs, threads: pool.threadCount)
        pool.run(workers: workers) { worker in
            for pair in WorkerPool.share(of: pairs, worker: worker, workers: workers) {
                let (t, index) = onlineRows[pair / c.headCount]
                let h = pair % c.headCount, kvh = h / group
                let segment = segments[index], cache = segment.sequence.cache
                let p = segment.position + t - segment.firstRow
                // Keys visible from p: all earlier positions, or the last `window` (llama.cpp masks p − j ≥ window).
                let lo = window > 0 ? max(0, p - window + 1) : 0
                let q = s.q + t * c.qDimension + h * hd
                let out = s.attention + t * c.qDimension + h * hd
                kernels.attendOnline(q, cache.key(layer: l, position: 0) + kvh * hd, cache.value(layer: l, position: 0) + kvh * hd,
                                     cache.kvDimension, lo...p, kqScale, softcap, hd, s.halfScratch + worker * 2 * hd, out)
            }
        }
    }

    /// One segment of 64 rows or more with ggml's tiled arithmetic.
    private func attendTiled(layer l: Int, _ segment: BatchSegment, window: Int) {
        let c = config, s = state, hd = c.headDimension
        let group = c.headCount / c.kvHeadCount
        let kqScale: Float = c.scalesQueryBeforeAttention ? 1 : 1 / Float(hd).squareRoot()
        let softcap = c.attentionLogitSoftcap
        let cache = segment.sequence.cache
        let pairs = segment.count * c.headCount
        let keys = cache.key(layer: l, position: 0), values = cache.value(layer: l, position: 0)
        let stride = cache.kvDimension
        let end = segment.position + segment.count
        let keysByDimension = s.keysByDimension, positions = s.keysByDimensionStride
        // Keys as f32 (kvHead, dimension, position), so 16 positions load as one vector; each worker
        // converts a run of positions.
        pool.parallelFor(end) { part in
            kernels.transposeKeys(keys + part.lowerBound * stride, stride, part.count, keysByDimension + part.lowerBound, positions)
        }
        let workers = WorkerPool.workers(for: pairs, threads: pool.threadCount)
        pool.run(workers: workers) { worker in
            for pair in WorkerPool.share(of: pairs, worker: worker, workers: workers) {
                let t = pair / c.headCount, h = pair % c.headCount, kvh = h / group
                let p = segment.position + t
                let lo = window > 0 ? max(0, p - window + 1) : 0
                let row = segment.firstRow + t
                let q = s.q + row * c.qDimension + h * hd
                let out = s.attention + row * c.qDimension + h * hd
                kernels.attendTiled(q, keysByDimension + kvh * hd * positions, positions, values + kvh * hd, stride,
                                    lo...p, kqScale, softcap, hd, s.scores + worker * s.scoresPerWorker, out)
            }
        }
    }
}
