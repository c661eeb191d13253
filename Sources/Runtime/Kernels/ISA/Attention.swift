#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Attention of one query head against the KV cache with llama.cpp's CPU flash-attention arithmetic
// (ggml-cpu ops.cpp); Model/Attention.swift picks the path and splits the heads over the workers.

/// Tile edge of ggml's tiled path (GGML_FA_TILE_Q = GGML_FA_TILE_KV = 64).
private let tile = 64

/// keysByDimension[i·positions + j] = Float(keys[j·stride + i]) for positions j < count and i < stride.
@inline(__always)
func transposeKeys(_ keys: UnsafePointer<Float16>, stride: Int, count: Int, into keysByDimension: UnsafeMutablePointer<Float>,
                   positions: Int) {
    for j in 0..<count {
        for i in 0..<stride { keysByDimension[i * positions + j] = Float(keys[j * stride + i]) }
    }
}

/// One query against keys/values `range` with ggml's one-chunk arithmetic (`flash_attn_ext_f16_one_chunk`):
/// q rounded to f16, s = (q·k)·scale, running max M and sum S = S·ms + vs (fused), V accumulated in f16
/// (scaled by e^(M_old − M) on a new max), output = acc · (1/S). With a softcap c, ggml divides the scale by c
/// and takes s = c·tanh(s) before the mask.
@inline(__always)
func attendOnline(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                          stride: Int, range: ClosedRange<Int>, scale: Float, softcap: Float, hd: Int,
                          scratch: UnsafeMutablePointer<Float16>, out: UnsafeMutablePointer<Float>) {
    let q16 = scratch, acc = scratch + hd
    for i in 0..<hd { q16[i] = Float16(q[i]) }
    acc.update(repeating: 0, count: hd)
    var maxScore = -Float.infinity, sum: Float = 0
    let capped = softcap != 0, scale = capped ? scale / softcap : scale
    for j in range {
        var score = dotHalfHalf(q16, keys + j * stride, hd) * scale
        if capped { score = softcap * tanhf(score) }   // invariant: predicted, and one per key beside an hd-long dot
        var ms: Float = 1, vs: Float = 1
        if score > maxScore {
            ms = expf(maxScore - score)
            maxScore = score
            scaleHalf(acc, ms, hd)
        } else {
            vs = expf(score - maxScore)
        }
        addScaledHalfToHalf(acc, vs, values + j * stride, hd)
        sum = vs.addingProduct(sum, ms)
    }
    let inverse: Float = sum == 0 ? 0 : 1 / sum
    for i in 0..<hd { out[i] = Float(acc[i]) * inverse }
}

/// One query against keys/values `range` with ggml's tiled arithmetic (`flash_attn_ext_tiled`), key tiles
/// of 64 positions from 0: scores are f32 fma chains over the dimensions, times scale; per tile with a
/// visible key, a new max M rescales the f32 accumulator and S by expf(M_old − M), the tile's weights are
/// ggml's approximate exp of (s − M) summed per 16 lanes into a Double added to S, and V rows (f16 to f32)
/// are accumulated with fma in key order; output = acc · (1/S). A softcap c applies as in `attendOnline`
/// (ggml: scores times scale/c, tanhf, times c, then the mask).
/// `keys` is (dimension, position) f32 with `positions` floats per dimension; `scratch` holds 64 floats.
@inline(__always)
func attendTiled(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, positions: Int,
                         _ values: UnsafePointer<Float16>, stride: Int, range: ClosedRange<Int>, scale: Float, softcap: Float, hd: Int,
                         scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
    let weights = UnsafeMutableRawPointer(scratch), rk = UnsafeRawPointer(keys)
    let capped = softcap != 0, scale = capped ? scale / softcap : scale
    out.update(repeating: 0, count: hd)
    var maxScore = -Float.infinity, sum: Float = 0
    let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    var start = range.lowerBound / tile * tile
    while start <= range.upperBound {
        // Scores of the tile's 64 positions, −inf where masked.
        var tileMax = -Float.infinity
        for chunk in 0..<tile / 16 {
            let first = start + 16 * chunk
            var score = SIMD16<Float>(repeating: -.infinity)
            if first <= range.upperBound && first + 15 >= range.lowerBound {
                var acc = SIMD16<Float>()
                for i in 0..<hd {
                    acc = multiplyAdd(acc, SIMD16(repeating: q[i]),
                                      rk.loadUnaligned(fromByteOffset: 4 * (i * positions + first), as: SIMD16<Float>.self))
                }
                let j = SIMD16<Int32>(repeating: Int32(first)) &+ lanes
                let masked = (j .< Int32(range.lowerBound)) .| (j .> Int32(range.upperBound))
                score = acc * scale
                if capped { score = softcapped(score, softcap, scratch + 16 * chunk) }
                score = score.replacing(with: -.infinity, where: masked)
                tileMax = max(tileMax, horizontalMax(score))
            }
            weights.storeBytes(of: score, toByteOffset: 64 * chunk, as: SIMD16<Float>.self)
        }
        let newMax = max(maxScore, tileMax)
        if newMax > maxScore {
            let ms = expf(maxScore - newMax)
            for i in 0..<hd { out[i] *= ms }
            sum *= ms
        }
        maxScore = newMax
        var tileSum = 0.0
        for chunk in 0..<tile / 16 {
            let w = approximateExp(weights.loadUnaligned(fromByteOffset: 64 * chunk, as: SIMD16<Float>.self) - SIMD16(repeating: newMax))
            weights.storeBytes(of: w, toByteOffset: 64 * chunk, as: SIMD16<Float>.self)
            tileSum += Double(horizontalSum(w))
        }
        sum = Float(Double(sum) + tileSum)
        let w = scratch
        for j in max(start, range.lowerBound)...min(start + tile - 1, range.upperBound) {
            addScaledHalf(out, w[j - start], values + j * stride, hd)
        }
        start += tile
    }
    let inverse: Float = sum == 0 ? 0 : 1 / sum
    for i in 0..<hd { out[i] *= inverse }
}

/// c·tanhf(s) per lane, through `lanes` (16 floats of scratch) since tanhf is scalar.
@inline(__always)
private func softcapped(_ s: SIMD16<Float>, _ c: Float, _ lanes: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
    let raw = UnsafeMutableRawPointer(lanes)
    raw.storeBytes(of: s, as: SIMD16<Float>.self)
    for i in 0..<16 { lanes[i] = c * tanhf(lanes[i]) }
    return raw.loadUnaligned(as: SIMD16<Float>.self)
}
