// Heap buffers for repacked weights and prepared inputs.

/// A 64-byte aligned, zero-filled heap buffer with `slack` spare bytes so kernels may read a little past the end.
final class AlignedBuffer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let count: Int
    init(bytes: Int, slack: Int = 256) {
        count = bytes
        base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes + slack, 64), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes + slack, 64))
    }
    deinit { base.deallocate() }
}
