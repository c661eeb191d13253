import Foundation
import Testing
@testable import Runtime

// The Walsh-Hadamard rotation of a quantized KV cache (KVRotation.swift).

/// The fast transform equals the Sylvester matrix H[i][j] = (−1)^popcount(i & j) / √n, applied per block.
@Test(arguments: [64, 128, 256])
func hadamardMatchesSylvesterMatrix(_ block: Int) {
    var rng = SystemRandomNumberGenerator()
    let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
    var state = seed
    func next() -> Float {   // SplitMix64 to a float in [-1, 1)
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Float((z ^ (z >> 31)) >> 40) / Float(1 << 23) - 1
    }
    let input = (0..<(2 * block)).map { _ in next() }
    var fast = input
    fast.withUnsafeMutableBufferPointer { hadamard($0.baseAddress!, count: 2 * block, block: block) }
    let scale = 1 / Float(block).squareRoot()
    for b in 0..<2 {
        for i in 0..<block {
            var sum: Float = 0
            for j in 0..<block { sum += (((i & j).nonzeroBitCount & 1) == 0 ? 1 : -1) * input[b * block + j] }
            #expect(abs(fast[b * block + i] - sum * scale) < 1e-4, "seed \(seed), block \(b), row \(i)")
        }
    }
    // Orthonormal and its own inverse: applied twice it gives the input back.
    fast.withUnsafeMutableBufferPointer { hadamard($0.baseAddress!, count: 2 * block, block: block) }
    for (a, b) in zip(fast, input) { #expect(abs(a - b) < 1e-5, "seed \(seed)") }
}

/// Blocks as llama.cpp chooses them: the largest power of two from 64 dividing the head for Q and K, 64 for V.
@Test func rotationBlocksFollowTheHeadSize() {
    #expect(KVRotation(type: .f16, headDimension: 64) == nil)
    #expect(KVRotation(type: .q4_0, headDimension: 80) == nil)
    let cases: [(Int, Int)] = [(64, 64), (128, 128), (192, 64), (256, 256)]
    for (head, block) in cases {
        let rotation = KVRotation(type: .q8_0, headDimension: head)
        #expect(rotation?.keyBlock == block && rotation?.valueBlock == 64, "head \(head)")
    }
}

/// Balancing keys against queries (Gemma 3's Q and K norms) and rotating leaves every score q·k as it was;
/// the scale is √(key weight / query weight) over a RoPE pair, and none without norms.
@Test func keyBalancingKeepsScores() {
    let head = 128
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = TestRNG(seed: seed)
    func next() -> Float { Float.random(in: -1..<1, using: &rng) }
    let queryNorm = (0..<head).map { _ in 1 + next() }, keyNorm = (0..<head).map { _ in 4 * next() }
    let rotation = KVRotation(type: .q4_0, headDimension: head, norms: [nil, (queryNorm, keyNorm)], ropePairs: .neox(dimension: head))!
    #expect(rotation.keyScales[0] == nil)
    let scales = rotation.keyScales[1]!
    for i in 0..<head / 2 {
        let j = i + head / 2
        let expected = ((keyNorm[i] * keyNorm[i] + keyNorm[j] * keyNorm[j]) / (queryNorm[i] * queryNorm[i] + queryNorm[j] * queryNorm[j])).squareRoot().squareRoot()
        #expect(abs(scales[i] - min(64, max(1 / 64, expected))) < 1e-5 * expected && scales[i] == scales[j], "seed \(seed), channel \(i)")
    }
    // Two query heads against one key head.
    let q = (0..<(2 * head)).map { _ in next() }, k = (0..<head).map { _ in next() }
    var qr = q, kr = k
    qr.withUnsafeMutableBufferPointer { qp in
        kr.withUnsafeMutableBufferPointer { kp in
            rotation.rotateQueriesAndKeys(layer: 1, qp.baseAddress!, count: 2 * head, kp.baseAddress!, count: head)
        }
    }
    for h in 0..<2 {
        var before: Float = 0, after: Float = 0
        for i in 0..<head {
            before += q[h * head + i] * k[i]
            after += qr[h * head + i] * kr[i]
        }
        #expect(abs(before - after) < 1e-4 * max(1, abs(before)), "seed \(seed), head \(h): \(before) vs \(after)")
    }
    #expect(KVRotation(type: .q8_0, headDimension: 64)!.keyScales.isEmpty)
}
