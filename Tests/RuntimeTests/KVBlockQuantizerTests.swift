import Foundation
import Testing
import KernelInterface
@testable import Runtime

// The KV cache's q4_0 quantizer (KVBlockQuantizer.swift): ggml's block layout, a scale of least squared error.

/// On seeded random blocks (Gaussian, with an outlier in some, all zero in one), the searched block reads back
/// through ggml's q4_0 dequantizer with no more squared error than ggml's quantize_row_q4_0 on every block,
/// and with less on most.
@Test func kvQ4_0SearchNeverLosesToAbsmax() {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = TestRNG(seed: seed)
    func uniform() -> Float { Float.random(in: Float.leastNormalMagnitude..<1, using: &rng) }
    func gaussian() -> Float { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    let blocks = 2_000
    var x = [Float](repeating: 0, count: 32 * blocks)
    for b in 1..<blocks {
        let scale = exp(8 * uniform() - 4)
        for i in 0..<32 { x[32 * b + i] = scale * gaussian() }
        if b % 3 == 0 { x[32 * b + Int(uniform() * 32)] *= 6 }
    }
    let bytes = blocks * BlockFormat.q4_0.bytes
    var searched = [UInt8](repeating: 0, count: bytes), ggml = [UInt8](repeating: 0, count: bytes)
    var fromSearched = [Float](repeating: 0, count: x.count), fromGGML = [Float](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { input in
        searched.withUnsafeMutableBytes { out in
            for b in 0..<blocks { quantizeKVBlockQ4_0(input.baseAddress! + 32 * b, out.baseAddress! + b * BlockFormat.q4_0.bytes) }
            #expect(dequantizeRow(.q4_0, out.baseAddress!, &fromSearched, count: x.count))
        }
        ggml.withUnsafeMutableBytes { out in
            InstructionSet.preferred.kernels.quantizeBlocks(.q4_0, input.baseAddress!, x.count, out.baseAddress!)
            #expect(dequantizeRow(.q4_0, out.baseAddress!, &fromGGML, count: x.count))
        }
    }
    var better = 0
    for b in 0..<blocks {
        var eSearched: Float = 0, eGGML: Float = 0
        for i in (32 * b)..<(32 * b + 32) {
            eSearched += (x[i] - fromSearched[i]) * (x[i] - fromSearched[i])
            eGGML += (x[i] - fromGGML[i]) * (x[i] - fromGGML[i])
        }
        #expect(eSearched <= eGGML, "seed \(seed), block \(b): \(eSearched) > ggml's \(eGGML)")
        if eSearched < eGGML * 0.99 { better += 1 }
    }
    // The all-zero block reads back as zeros.
    #expect(fromSearched[0..<32].allSatisfy { $0 == 0 }, "seed \(seed)")
    #expect(better > blocks / 2, "seed \(seed): only \(better) of \(blocks) blocks improved")
}
