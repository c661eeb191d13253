#if canImport(Glibc)
import Glibc
#endif

// Heap buffers for repacked weights, prepared inputs and the forward pass's scratch. A large one is a
// private anonymous mapping of its own, unmapped when it goes: freeing it gives its pages straight back
// to the system. From malloc, a freed large block raises glibc's mmap threshold, so the next model's
// weights land in the loading thread's arena, whose free top stays resident after an unload (malloc_trim
// trims only the main arena's top), tens of MiB more for every load and unload.

/// A 64-byte aligned, zero-filled buffer with `slack` spare bytes so kernels may read a little past the end.
final class AlignedBuffer: @unchecked Sendable {
    /// Buffers at least this large (with their slack) get a mapping of their own.
    static let mappingThreshold = 64 << 10

    let base: UnsafeMutableRawPointer
    let count: Int
    /// Bytes mapped for this buffer, 0 when it came from malloc.
    private let mappedBytes: Int

    init(bytes: Int, slack: Int = 256) {
        count = bytes
        let total = max(bytes + slack, 64)
        if total >= Self.mappingThreshold,
           let p = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED {
            base = p   // page-aligned and zero-filled by the system
            mappedBytes = total
        } else {
            base = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: total)
            mappedBytes = 0
        }
    }

    /// `count` zero floats (and the slack), bound to `Float`.
    convenience init(floats count: Int) {
        self.init(bytes: count * MemoryLayout<Float>.stride)
    }

    /// The buffer as floats (bound by the initializer's zero fill or by the first writer).
    var floats: UnsafeMutablePointer<Float> { base.bindMemory(to: Float.self, capacity: count / MemoryLayout<Float>.stride) }

    deinit {
        if mappedBytes > 0 { munmap(base, mappedBytes) } else { base.deallocate() }
    }
}
