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
    /// (tiled); the rows of all smaller ones are split over the workers together (`attendRows`).
    func attend(layer l: Int, _ segments: [BatchSegment], onlineRows: [(row: Int, segment: Int)], window: Int) {
        let views = halfViews(layer: l, segments, window: window)
        for (segment, view) in zip(segments, views) where segment.count >= 64 { attendTiled(segment, view, window: window) }
        if !onlineRows.isEmpty { attendRows(onlineRows, segments, views, window: window) }
    }

    /// Rows of segments under 64 tokens with ggml's one-chunk arithmetic, the query heads of each KV head
    /// together (`attendGroup`). A segment of one row (a decode step) whose cache view holds 512 cells or more
    /// is split as ggml's split-KV path splits it: llama.cpp's view is n_kv = max(256, the cached count rounded
    /// up to 256) cells, cut into one chunk per thread; each chunk leaves a partial and `mergePartials`
    /// combines them, so with t threads the result is llama.cpp's with t threads (1 thread: one chunk, unsplit).
    /// A sliding window that has moved off position 0 is cut evenly instead, so every thread gets a share.
    /// Whether a row is split depends on its own segment only, so a sequence computes the same beside others.
    /// Pieces of work are (row, chunk, KV heads, query heads of the group): one KV head of a chunk, all of them
    /// when only that spreads evenly over the workers, or a smaller set of a KV head's query heads (short
    /// context on more threads than pieces; Gemma 3's one KV head).
    private func attendRows(_ rows: [(row: Int, segment: Int)], _ segments: [BatchSegment], _ views: [HalfView], window: Int) {
        let c = config, s = state, hd = c.headDimension
        let group = c.headCount / c.kvHeadCount, threads = pool.threadCount, chunks = attentionChunks ?? threads
        let kqScale: Float = c.scalesQueryBeforeAttention ? 1 : 1 / Float(hd).squareRoot()
        let softcap = c.attentionLogitSoftcap
        // Per row: the visible positions, where its chunks start and their size (0: unsplit), and its slot
        // among the split rows.
        var visible: [Range<Int>] = [], chunkStarts: [Int] = [], chunkSizes: [Int] = [], slots: [Int] = []
        var split = 0, chunkCount = 0
        for (t, index) in rows {
            let segment = segments[index]
            let p = segment.position + t - segment.firstRow
            // Keys visible from p: all earlier positions, or the last `window` (llama.cpp masks p − j ≥ window).
            let lo = window > 0 ? max(0, p - window + 1) : 0
            visible.append(lo..<p + 1)
            let cells = max(256, (segment.position + segment.count + 255) / 256 * 256)
            if segment.count == 1 && cells >= 512 && chunks > 1 {
                // Once a window slides, llama.cpp's cells are a ring that mfc does not keep: cut the window
                // evenly instead (the one-chunk arithmetic per chunk is the same).
                let cut = lo == 0 ? 0..<cells : lo..<p + 1
                chunkStarts.append(cut.lowerBound)
                chunkSizes.append((cut.count + chunks - 1) / chunks)
                slots.append(split)
                split += 1
                chunkCount += chunks
            } else {
                chunkStarts.append(0)
                chunkSizes.append(0)
                slots.append(-1)
                chunkCount += 1
            }
        }
        // How finely to cut: one KV head of a chunk (measured faster than all KV heads in one pass), all KV heads
        // of a chunk when only that spreads evenly over the workers, or sets of a KV head's query heads.
        let evenly = { (count: Int) in count % threads == 0 || count >= 4 * threads }
        let pieceCount = chunkCount * c.kvHeadCount
        let kvPerPiece: Int, headSets: Int
        if evenly(pieceCount) {
            (kvPerPiece, headSets) = (1, 1)
        } else if evenly(chunkCount) {
            (kvPerPiece, headSets) = (c.kvHeadCount, 1)
        } else {
            kvPerPiece = 1
            headSets = min(group, (2 * threads + pieceCount - 1) / pieceCount)
        }
        let setSize = (group + headSets - 1) / headSets
        var pieces: [(rowIndex: Int, kvHeads: Range<Int>, chunk: Int, heads: Range<Int>)] = []
        for (i, chunkSize) in chunkSizes.enumerated() {
            for kvh in stride(from: 0, to: c.kvHeadCount, by: kvPerPiece) {
                for chunk in 0..<(chunkSize > 0 ? chunks : 1) {
                    for first in stride(from: 0, to: group, by: setSize) {
                        pieces.append((i, kvh..<kvh + kvPerPiece, chunk, first..<min(group, first + setSize)))
                    }
                }
            }
        }
        let partialStride = partialCount
        let partials = s.partials(count: split * chunks * c.headCount * partialStride)
        let scratchCount = s.groupScratchCount
        let workers = WorkerPool.workers(for: pieces.count, threads: min(threads, s.workerCount))
        pool.run(workers: workers) { worker in
            for piece in pieces[WorkerPool.share(of: pieces.count, worker: worker, workers: workers)] {
                let (t, index) = rows[piece.rowIndex]
                let view = views[index]
                var range = visible[piece.rowIndex]
                let firstHead = piece.kvHeads.lowerBound * group + piece.heads.lowerBound
                let q = s.q + t * c.qDimension + firstHead * hd
                let out: UnsafeMutablePointer<Float>
                let chunkSize = chunkSizes[piece.rowIndex]
                if chunkSize > 0 {
                    let first = chunkStarts[piece.rowIndex] + piece.chunk * chunkSize
                    let chunk = first..<first + chunkSize
                    let lower = max(range.lowerBound, chunk.lowerBound)
                    range = lower..<max(lower, min(range.upperBound, chunk.upperBound))
                    out = partials + ((slots[piece.rowIndex] * chunks + piece.chunk) * c.headCount + firstHead) * partialStride
                } else {
                    out = s.attention + t * c.qDimension + firstHead * hd
                }
                let kvOffset = piece.kvHeads.lowerBound * hd
                kernels.attendGroup(q, piece.heads.count, piece.kvHeads.count, view.keys + kvOffset, view.values + kvOffset,
                                    c.kvDimension, range, kqScale, softcap, hd, chunkSize > 0, s.groupScratch + worker * scratchCount, out)
            }
        }
        guard split > 0 else { return }
        // Each split row's heads: merge its chunks' partials.
        let splitRows = chunkSizes.indices.filter { chunkSizes[$0] > 0 }
        let merges = splitRows.count * c.headCount
        let mergeWorkers = WorkerPool.workers(for: merges, threads: threads)
        pool.run(workers: mergeWorkers) { worker in
            for m in WorkerPool.share(of: merges, worker: worker, workers: mergeWorkers) {
                let i = splitRows[m / c.headCount], h = m % c.headCount
                let base = partials + (slots[i] * chunks * c.headCount + h) * partialStride
                kernels.mergePartials(base, chunks, c.headCount * partialStride, hd, s.attention + rows[i].row * c.qDimension + h * hd)
            }
        }
    }

    /// Floats of one head's partial attention result (running max, sum, accumulator).
    private var partialCount: Int { 2 + config.headDimension }

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
