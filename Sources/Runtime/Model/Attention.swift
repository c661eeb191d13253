import Foundation

// Causal attention over the f16 KV cache with llama.cpp's CPU flash-attention arithmetic, which the
// reference data comes from (ggml-cpu ops.cpp). ggml picks the path by the number of query tokens in
// the batch: 64 or more take `flash_attn_ext_tiled`, fewer (so every generated token) take
// `flash_attn_ext_f16_one_chunk`. Both are reproduced operation for operation, so the attention output
// is bit-identical whenever q, k and v are. The per-head arithmetic is in Kernels/ISA/Attention.swift.

extension LlamaModel {
    /// Causal (optionally sliding-window) attention of every head of every token in the batch against
    /// the cache; writes state.attention (T, qDim). Work is split over (token, head) pairs.
    func attend(layer l: Int, count T: Int, position: Int, window: Int) {
        let c = config, s = state, hd = c.headDimension
        let group = c.headCount / c.kvHeadCount
        let kqScale: Float = c.scalesQueryBeforeAttention ? 1 : 1 / Float(hd).squareRoot()
        let softcap = c.attentionLogitSoftcap
        let pairs = T * c.headCount
        let tiled = T >= 64   // ggml's GGML_FA_TILE_Q
        let keys = cache.key(layer: l, position: 0), values = cache.value(layer: l, position: 0)
        let stride = cache.kvDimension
        let end = position + T
        let keysByDimension = s.keysByDimension, positions = s.keysByDimensionStride
        if tiled {
            // Keys as f32 (kvHead, dimension, position), so 16 positions load as one vector; each worker
            // converts a run of positions.
            pool.parallelFor(end) { part in
                kernels.transposeKeys(keys + part.lowerBound * stride, stride, part.count, keysByDimension + part.lowerBound, positions)
            }
        }
        // Each worker's scratch is indexed by its number, so the split is by worker, not by range alone.
        let workers = WorkerPool.workers(for: pairs, threads: pool.threadCount)
        pool.run(workers: workers) { worker in
            for pair in WorkerPool.share(of: pairs, worker: worker, workers: workers) {
                let t = pair / c.headCount, h = pair % c.headCount, kvh = h / group
                let p = position + t
                // Keys visible from p: all earlier positions, or the last `window` (llama.cpp masks p − j ≥ window).
                let lo = window > 0 ? max(0, p - window + 1) : 0
                let q = s.q + t * c.qDimension + h * hd
                let out = s.attention + t * c.qDimension + h * hd
                if tiled {
                    kernels.attendTiled(q, keysByDimension + kvh * hd * positions, positions, values + kvh * hd, stride,
                                        lo...p, kqScale, softcap, hd, s.scores + worker * s.scoresPerWorker, out)
                } else {
                    kernels.attendOnline(q, keys + kvh * hd, values + kvh * hd, stride, lo...p, kqScale, softcap, hd,
                                         s.halfScratch + worker * 2 * hd, out)
                }
            }
        }
    }
}
