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
// Models with per-head Q and K norms (Gemma 3) also get their key channels balanced before the rotation:
// K's energy sits in channels where Q's is small (the norms' weights say where), so after the rotation
// every block's error is set by channels that barely reach the scores. Dividing key channel i by s_i and
// multiplying query channel i by s_i keeps q·k exact; s_i = √(|k-norm weight| / |q-norm weight|) (the
// weights of a RoPE pair taken together, since RoPE mixes the pair) evens the two out. Measured on Gemma 3
// with q4_0 keys only: KL divergence from f16 0.114 without, 0.026 with (docs/kv-cache.md).

/// The rotation of Q, K and V for a quantized KV cache; nil from `init` when none applies.
struct KVRotation: Sendable {
    /// Values per block of queries and keys, and of values and attention outputs.
    let keyBlock: Int
    let valueBlock: Int
    /// Per layer, per channel of a head: keys are divided and queries multiplied by it before the
    /// rotation; empty when the model has no Q and K norms.
    let keyScales: [[Float]?]
    let headDimension: Int

    /// Whether any layer's keys are balanced (the model has Q and K norms).
    var balancesKeys: Bool { keyScales.contains { $0 != nil } }

    /// The rotation llama.cpp applies for `type` and `headDimension`; nil for f16 or a head size that is
    /// not a multiple of 64. `norms` are each layer's Q and K norm weights (headDimension each), when the
    /// model has them; `ropePairs` tells which channels RoPE turns together.
    init?(type: KVCacheType, headDimension: Int, norms: [(query: [Float], key: [Float])?] = [], ropePairs: RopePairs = .none) {
        guard type.blockFormat != nil, headDimension > 0, headDimension % 64 == 0 else { return nil }
        var block = 64
        while headDimension % (2 * block) == 0 { block *= 2 }
        keyBlock = block
        valueBlock = 64
        self.headDimension = headDimension
        keyScales = norms.map { $0.map { keyChannelScales(query: $0.query, key: $0.key, pairs: ropePairs) } }
    }

    /// Balances (keys divided, queries multiplied by the layer's channel scales) and rotates a row of
    /// queries and a row of keys (`count`s multiples of the head size) in place.
    func rotateQueriesAndKeys(layer: Int, _ q: UnsafeMutablePointer<Float>, count qCount: Int, _ k: UnsafeMutablePointer<Float>, count kCount: Int) {
        if layer < keyScales.count, let scales = keyScales[layer] {
            for i in 0..<qCount { q[i] *= scales[i % headDimension] }
            for i in 0..<kCount { k[i] /= scales[i % headDimension] }
        }
        rotateKeys(q, count: qCount)
        rotateKeys(k, count: kCount)
    }

    /// Rotates a row of queries or keys (`count` floats, a multiple of `keyBlock`) in place.
    func rotateKeys(_ row: UnsafeMutablePointer<Float>, count: Int) { hadamard(row, count: count, block: keyBlock) }

    /// Rotates a row of values, or of attention outputs back (`count` a multiple of `valueBlock`), in place.
    func rotateValues(_ row: UnsafeMutablePointer<Float>, count: Int) { hadamard(row, count: count, block: valueBlock) }
}

/// Which channels of a head RoPE turns together.
enum RopePairs: Sendable {
    case none
    /// (i, i + dimension/2) for i < dimension/2 (NeoX), or (2i, 2i + 1), over the first `dimension` channels.
    case neox(dimension: Int), adjacent(dimension: Int)

    /// The channel turned with `i`, or `i` itself when it is not rotated.
    func partner(of i: Int) -> Int {
        switch self {
        case .none: i
        case .neox(let n): i >= n ? i : (i < n / 2 ? i + n / 2 : i - n / 2)
        case .adjacent(let n): i >= n ? i : i ^ 1
        }
    }
}

/// s_i = √(g_k(i) / g_q(i)), g the root mean square of the norm weights' magnitudes over i's RoPE pair,
/// kept within [1/64, 64] so a weight near zero cannot blow a channel up.
func keyChannelScales(query: [Float], key: [Float], pairs: RopePairs) -> [Float] {
    func pairMagnitude(_ w: [Float], _ i: Int) -> Float {
        let j = pairs.partner(of: i)
        return ((w[i] * w[i] + w[j] * w[j]) / 2).squareRoot()
    }
    return query.indices.map { i in
        let ratio = pairMagnitude(key, i) / Swift.max(pairMagnitude(query, i), .leastNormalMagnitude)
        return Swift.min(64, Swift.max(1 / 64, ratio.squareRoot()))
    }
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
