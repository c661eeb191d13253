import Foundation

// The q4_0 quantizer of the KV cache. The block layout is ggml's q4_0 unchanged (an f16 scale d and 32
// four-bit levels q, value (q − 8)·d), so every reader of q4_0 blocks reads these; only the choice of d
// differs. ggml's quantize_row_q4_0 maps the value of largest magnitude to level −8 exactly (d = max / −8),
// which suits weights quantized once; a cached value is quantized once per position and read by every
// later one, so a cache can spend a small search on each block (KVCache uses it for the values of caches
// with balanced keys, where it measured better; docs/kv-cache.md): d is picked from scales around
// ggml's (the largest value landing on −8 or on +7, a few steps inward, each also refitted by least
// squares) as the one whose rounded levels give the smallest squared error, with ggml's own result as a
// candidate, so a block is never worse than ggml's.

/// Quantizes 32 floats at `x` into one q4_0 block at `y` (18 bytes), choosing the scale of least squared error.
func quantizeKVBlockQ4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    var amax: Float = 0, extreme: Float = 0
    for i in 0..<32 where abs(x[i]) > amax { amax = abs(x[i]); extreme = x[i] }
    guard amax > 0, amax.isFinite else {
        // All zeros (or not finite): ggml's levels for d = 0.
        y.storeBytes(of: floatToHalf(amax.isFinite ? 0 : extreme).littleEndian, toByteOffset: 0, as: UInt16.self)
        for j in 0..<16 { y.storeBytes(of: 0x88, toByteOffset: 2 + j, as: UInt8.self) }
        return
    }
    // ggml's block: d = max / −8 kept in f32 for rounding, stored as f16.
    let ggmlScale = extreme / -8, ggmlInverse = 1 / ggmlScale
    var best = Candidate(stored: halfRounded(ggmlScale), inverse: ggmlInverse)
    var bestError = best.squaredError(x)
    func consider(_ scale: Float) {
        let stored = halfRounded(scale)
        guard stored != 0, stored.isFinite else { return }
        let candidate = Candidate(stored: stored, inverse: 1 / stored)
        let error = candidate.squaredError(x)
        if error < bestError { best = candidate; bestError = error }
    }
    for step in 0...kvScaleSteps {
        let inward = Float(step) * 0.125
        for level in [-8 + inward, 7 - inward] {
            let scale = extreme / level
            consider(scale)
            consider(Candidate(stored: scale, inverse: 1 / scale).leastSquaresScale(x))
        }
    }
    y.storeBytes(of: floatToHalf(best.stored).littleEndian, toByteOffset: 0, as: UInt16.self)
    for j in 0..<16 {
        let lo = best.level(x[j]), hi = best.level(x[16 + j])
        y.storeBytes(of: UInt8(lo + 8) | UInt8(hi + 8) << 4, toByteOffset: 2 + j, as: UInt8.self)
    }
}

/// Steps of 1/8 level by which the largest value is moved inward from −8 and from +7.
private let kvScaleSteps = 16

/// A scale as stored (f16-rounded) and the inverse used to round values to levels.
private struct Candidate {
    let stored: Float
    let inverse: Float

    /// The level of `v` in −8...7 (ggml's rounding: truncation of v/d + 8.5, then the offset removed).
    @inline(__always)
    func level(_ v: Float) -> Int {
        let shifted = v * inverse + 8.5
        return Int(Swift.min(15, Swift.max(0, shifted.isFinite ? shifted : 0))) - 8
    }

    /// Σ (x − level·d)² over the block, with d as the dequantizer reads it.
    func squaredError(_ x: UnsafePointer<Float>) -> Float {
        var sum: Float = 0
        for i in 0..<32 {
            let r = x[i] - Float(level(x[i])) * stored
            sum += r * r
        }
        return sum
    }

    /// The scale that minimises the error for this candidate's levels: Σ x·q / Σ q².
    func leastSquaresScale(_ x: UnsafePointer<Float>) -> Float {
        var xq: Float = 0, qq: Float = 0
        for i in 0..<32 {
            let q = Float(level(x[i]))
            xq += x[i] * q
            qq += q * q
        }
        return qq > 0 ? xq / qq : stored
    }
}

/// `v` rounded to the nearest f16 and back.
@inline(__always)
private func halfRounded(_ v: Float) -> Float { Float(Float16(v)) }
