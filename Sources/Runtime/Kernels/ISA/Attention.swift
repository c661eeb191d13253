#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Attention of one query head against the f16 KV cache, with llama.cpp's CPU flash-attention numerics
// (the forward pass chooses the path: Model/Forward.swift `attend`).

/// One query against keys/values `range` with llama.cpp's one-token flash-attention arithmetic
/// (ggml `flash_attn_ext_f16_one_chunk`): q rounded to f16, s = q·k · scale, running max M and sum S,
/// V accumulated in f16 (scaled by e^(M_old − M) on a new max), output = acc / S.
@inline(__always)
func attendOnline(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                  stride: Int, range: ClosedRange<Int>, scale: Float, hd: Int,
                  scratch: UnsafeMutablePointer<Float16>, out: UnsafeMutablePointer<Float>) {
    let q16 = scratch, acc = scratch + hd
    for i in 0..<hd { q16[i] = Float16(q[i]) }
    acc.update(repeating: 0, count: hd)
    var maxScore = -Float.infinity, sum: Float = 0
    for j in range {
        let score = dotHalfHalf(q16, keys + j * stride, hd) * scale
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

/// One query against keys/values `range` with exact f32 softmax (llama.cpp's tiled path): s = q·k · scale,
/// softmax over the range, output = Σ p·v. `scores` holds range.count floats.
@inline(__always)
func attendExact(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                 stride: Int, range: ClosedRange<Int>, scale: Float, hd: Int,
                 scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
    let lo = range.lowerBound
    for j in range { scores[j - lo] = dotHalf(q, keys + j * stride, hd) * scale }
    softmax(scores, range.count)
    out.update(repeating: 0, count: hd)
    for j in range { addScaledHalf(out, scores[j - lo], values + j * stride, hd) }
}
