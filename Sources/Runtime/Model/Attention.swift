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
        let views = halfViews(layer: l, segments, window: window)
        for (segment, view) in zip(segments, views) where segment.count >= 64 { attendTiled(segment, view, window: window) }
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
                let segment = segments[index], view = views[index]
                let p = segment.position + t - segment.firstRow
                // Keys visible from p: all earlier positions, or the last `window` (llama.cpp masks p − j ≥ window).
                let lo = window > 0 ? max(0, p - window + 1) : 0
                let q = s.q + t * c.qDimension + h * hd
                let out = s.attention + t * c.qDimension + h * hd
                kernels.attendOnline(q, view.keys + kvh * hd, view.values + kvh * hd, c.kvDimension, lo...p, kqScale, softcap, hd,
                                     s.halfScratch + worker * 2 * hd, out)
            }
        }
    }

    /// One segment of 64 rows or more with ggml's tiled arithmetic.
    private func attendTiled(_ segment: BatchSegment, _ view: HalfView, window: Int) {
        let c = config, s = state, hd = c.headDimension
        let group = c.headCount / c.kvHeadCount
        let kqScale: Float = c.scalesQueryBeforeAttention ? 1 : 1 / Float(hd).squareRoot()
        let softcap = c.attentionLogitSoftcap
        let pairs = segment.count * c.headCount
        let keys = view.keys, values = view.values
        let stride = c.kvDimension
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

    /// Keys and values of a layer as f16 rows from position 0.
    typealias HalfView = (keys: UnsafePointer<Float16>, values: UnsafePointer<Float16>)

    /// Each segment's keys and values of layer `l` as f16: the cache itself, or for a block type the
    /// positions the segment's rows can see, widened into scratch (all segments in one fork/join).
    private func halfViews(layer l: Int, _ segments: [BatchSegment], window: Int) -> [HalfView] {
        let kvDim = config.kvDimension
        var views: [HalfView] = []
        var spans: [(segment: Int, positions: Range<Int>, base: Int)] = []
        var total = 0
        for (i, segment) in segments.enumerated() {
            let cache = segment.sequence.cache
            if let keys = cache.halfKeys(layer: l), let values = cache.halfValues(layer: l) {
                views.append((UnsafePointer(keys), UnsafePointer(values)))
                continue
            }
            let end = segment.position + segment.count
            let first = window > 0 ? max(0, segment.position - window + 1) : 0
            spans.append((i, first..<end, total))
            total += end
            views.append((UnsafePointer(bitPattern: 1)!, UnsafePointer(bitPattern: 1)!))   // set below
        }
        guard !spans.isEmpty else { return views }
        let scratch = state.widenedKV(halves: 2 * total * kvDim)
        for span in spans {
            let keys = scratch + span.base * kvDim, values = scratch + (total + span.base) * kvDim
            views[span.segment] = (UnsafePointer(keys), UnsafePointer(values))
        }
        let rows = spans.reduce(0) { $0 + $1.positions.count }
        let workers = WorkerPool.workers(for: rows, threads: min(pool.threadCount, state.workerCount))
        pool.run(workers: workers) { worker in
            var skipped = 0
            let share = WorkerPool.share(of: rows, worker: worker, workers: workers)
            for span in spans {
                // This worker's part of the span's positions.
                let lo = max(share.lowerBound - skipped, 0), hi = min(share.upperBound - skipped, span.positions.count)
                if lo < hi {
                    let positions = (span.positions.lowerBound + lo)..<(span.positions.lowerBound + hi)
                    segments[span.segment].sequence.cache.dequantize(
                        layer: l, positions: positions, keysOut: scratch + span.base * kvDim, valuesOut: scratch + (total + span.base) * kvDim,
                        scratch: state.widenScratch + worker * kvDim)
                }
                skipped += span.positions.count
            }
        }
        return views
    }
}
