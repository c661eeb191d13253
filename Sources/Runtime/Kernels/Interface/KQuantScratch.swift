// Defined here, not in the quantizer files the per-ISA modules compile: a type defined in each of those
// modules would bring value-witness helpers (__swift_memcpy48_8 ...) that every module emits under one
// shared name, and the linker would keep one module's copy for all (KernelVariantObjectTests).

/// Scratch buffers one thread reuses for every k-quant super-block (ggml keeps them on the stack).
public struct KQuantScratch: ~Copyable {
    public let levels: UnsafeMutablePointer<UInt8>        // 256 unsigned levels
    public let signedLevels: UnsafeMutablePointer<Int8>   // 256 levels before packing (Q3_K, Q6_K)
    public let aux: UnsafeMutablePointer<UInt8>           // 32 candidate levels in make_qkx2_quants
    public let weights: UnsafeMutablePointer<Float>       // 32
    public let scales: UnsafeMutablePointer<Float>        // 16 group scales
    public let mins: UnsafeMutablePointer<Float>          // 16 group mins

    public init() {
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
