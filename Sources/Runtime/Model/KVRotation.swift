import Foundation

// The Hadamard rotation of attention that makes a quantized KV cache lose little (llama.cpp rotates the
// same way unless LLAMA_ATTN_ROT_DISABLE is set). A key or value row has a few large components that
// set each 32-value block's scale and crush the small ones to zero; multiplied by an orthonormal
// Walsh-Hadamard matrix H (symmetric, H·H = I) each block's energy is spread evenly, so the same block
// quantization keeps far more of it. The arithmetic is unchanged in exact terms:
//   q·k = (Hq)·(Hk), so Q and K are rotated together (after RoPE) and the scores stay the same;
//   Σ p·(Hv) = H(Σ p·v), so V is rotated before it is stored and the attention output is rotated back
//   by the same H before the output projection.
// Applies only to quantized caches (f16 keeps rows as they are) and to head sizes that are multiples of
// 64. Blocks: K and Q use the largest power of two from 64 that divides the head size (64, 128, 256),
// V uses 64. H is applied to consecutive blocks of a row, so a block never straddles two heads.

/// The rotation of Q, K and V for a quantized KV cache; nil from `init` when none applies.
struct KVRotation: Sendable {
    /// Values per block of queries and keys, and of values and attention outputs.
    let keyBlock: Int
    let valueBlock: Int

    /// The rotation llama.cpp applies for `type` and `headDimension`; nil for f16 or a head size that is
    /// not a multiple of 64.
    init?(type: KVCacheType, headDimension: Int) {
        guard type.blockFormat != nil, headDimension > 0, headDimension % 64 == 0 else { return nil }
        var block = 64
        while headDimension % (2 * block) == 0 { block *= 2 }
        keyBlock = block
        valueBlock = 64
    }

    /// Rotates a row of queries or keys (`count` floats, a multiple of `keyBlock`) in place.
    func rotateKeys(_ row: UnsafeMutablePointer<Float>, count: Int) { hadamard(row, count: count, block: keyBlock) }

    /// Rotates a row of values, or of attention outputs back (`count` a multiple of `valueBlock`), in place.
    func rotateValues(_ row: UnsafeMutablePointer<Float>, count: Int) { hadamard(row, count: count, block: valueBlock) }
}

/// Multiplies each consecutive `block` values of `x` (`count` of them) by the orthonormal Walsh-Hadamard
/// matrix of that size, in place: the butterfly of the fast transform, log2(block) passes, then 1/√block.
/// H[i][j] = (−1)^popcount(i & j) / √block (Sylvester's order, the matrix llama.cpp builds).
func hadamard(_ x: UnsafeMutablePointer<Float>, count: Int, block: Int) {
    let scale = 1 / Float(block).squareRoot()
    var base = 0
    while base + block <= count {
        let v = x + base
        var half = 1
        while half < block {
            var i = 0
            while i < block {
                for j in i..<(i + half) {
                    let a = v[j], b = v[j + half]
                    v[j] = a + b
                    v[j + half] = a - b
                }
                i += 2 * half
            }
            half *= 2
        }
        for i in 0..<block { v[i] *= scale }
        base += block
    }
}
