// Defined here, not in the quantizer files the per-ISA modules compile: a type defined in each of those
// modules would bring value-witness helpers (__swift_memcpy48_8 ...) that every module emits under one
// shared name, and the linker would keep one module's copy for all (KernelVariantObjectTests).

/// Scratch buffers one thread reuses for every k-quant super-block (ggml keeps them on the stack).
package struct KQuantScratch: ~Copyable {
    package let levels: UnsafeMutablePointer<UInt8>        // 256 unsigned levels
    package let signedLevels: UnsafeMutablePointer<Int8>   // 256 levels before packing (Q3_K, Q6_K)
    package let aux: UnsafeMutablePointer<UInt8>           // 32 candidate levels in make_qkx2_quants
    package let weights: UnsafeMutablePointer<Float>       // 32
    package let scales: UnsafeMutablePointer<Float>        // 16 group scales
    package let mins: UnsafeMutablePointer<Float>          // 16 group mins
    package let lanes = KQuantLanes()                      // Q4_K/Q5_K's 8-group search

    package init() {
        levels = .allocate(capacity: 256); levels.initialize(repeating: 0, count: 256)
        signedLevels = .allocate(capacity: 256); signedLevels.initialize(repeating: 0, count: 256)
        aux = .allocate(capacity: 32); aux.initialize(repeating: 0, count: 32)
        weights = .allocate(capacity: 32); weights.initialize(repeating: 0, count: 32)
        scales = .allocate(capacity: 16); scales.initialize(repeating: 0, count: 16)
        mins = .allocate(capacity: 16); mins.initialize(repeating: 0, count: 16)
    }

    deinit {
        levels.deallocate(); signedLevels.deallocate(); aux.deallocate()
        weights.deallocate(); scales.deallocate(); mins.deallocate()
    }
}

/// Per-worker buffers of the lane search: the block transposed to [value index][group], its weights,
/// and the chosen levels.
package struct KQuantLanes: ~Copyable {
    package let x: UnsafeMutablePointer<SIMD8<Float>>          // 32: x[i][j] = block[32j + i]
    package let weights: UnsafeMutablePointer<SIMD8<Float>>    // 32
    package let best: UnsafeMutablePointer<SIMD8<Int32>>       // 32
    package let x16: UnsafeMutablePointer<SIMD16<Float>>        // 16: x16[i][j] = block[16j + i]
    package let best16: UnsafeMutablePointer<SIMD16<Int32>>     // 16

    package init() {
        x16 = .allocate(capacity: 16); x16.initialize(repeating: .zero, count: 16)
        best16 = .allocate(capacity: 16); best16.initialize(repeating: .zero, count: 16)
        x = .allocate(capacity: 32); x.initialize(repeating: .zero, count: 32)
        weights = .allocate(capacity: 32); weights.initialize(repeating: .zero, count: 32)
        best = .allocate(capacity: 32); best.initialize(repeating: .zero, count: 32)
    }

    deinit {
        x.deallocate(); weights.deallocate(); best.deallocate()
        x16.deallocate(); best16.deallocate()
    }
}
