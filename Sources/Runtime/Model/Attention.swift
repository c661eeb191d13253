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
        let pairs = T * c.headCount, n = pool.threadCount
        let tiled = T >= 64   // ggml's GGML_FA_TILE_Q
        let keys = cache.key(layer: l, position: 0), values = cache.value(layer: l, position: 0)
        let stride = cache.kvDimension
        let end = position + T
        let keysByDimension = s.keysByDimension, positions = s.keysByDimensionStride
        if tiled {
            // Keys as f32 (kvHead, dimension, position), so 16 positions load as one vector; each worker
            // converts a run of positions.
            pool.run { worker in
                let per = (end + n - 1) / n
                let first = min(end, worker * per), last = min(end, (worker + 1) * per)
                if first < last {
                    kernels.transposeKeys(keys + first * stride, stride, last - first, keysByDimension + first, positions)
                }
            }
        }
        pool.run { worker in
            let per = (pairs + n - 1) / n
            for pair in (worker * per)..<min(pairs, (worker + 1) * per) {
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
