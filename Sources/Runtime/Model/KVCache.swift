import Foundation
import KernelInterface

// Keys and values of every processed position, stored as f16 like llama.cpp's default cache.
// Layout: (layers, contextLength, kvDimension) for K and for V.
// The storage is an anonymous mapping: pages count towards the process's memory only once a position
// on them is written, and `release(from:)` gives them back, so a cache costs what its sequence uses.

/// The attention cache of one sequence, sized once for `contextLength` positions.
final class KVCache: @unchecked Sendable {
    let layers: Int
    let contextLength: Int
    let kvDimension: Int
    let keys: UnsafeMutablePointer<Float16>
    let values: UnsafeMutablePointer<Float16>
    /// Rounds to f16 with the model's kernel variant.
    let kernels: KernelTable
    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int

    /// - Throws: `ModelError` when the address space for the cache cannot be reserved.
    init(layers: Int, contextLength: Int, kvDimension: Int, kernels: KernelTable) throws(ModelError) {
        self.kernels = kernels
        self.layers = layers
        self.contextLength = contextLength
        self.kvDimension = kvDimension
        let half = layers * contextLength * kvDimension * MemoryLayout<Float16>.stride
        mappedBytes = max(1, 2 * half)
        guard let p = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw ModelError(description: "cannot reserve \(mappedBytes) bytes for a KV cache of \(contextLength) positions")
        }
        mapping = p
        keys = p.bindMemory(to: Float16.self, capacity: half / 2)
        values = (p + half).bindMemory(to: Float16.self, capacity: half / 2)
    }

    deinit { munmap(mapping, mappedBytes) }

    /// Bytes of one position over all layers (keys and values).
    var bytesPerPosition: Int { 2 * 2 * layers * kvDimension }

    /// Bytes the cache can hold.
    var byteCount: Int { bytesPerPosition * contextLength }

    /// Returns the pages that hold only positions at or after `position` to the system (they read as 0 again).
    func release(from position: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let rowBytes = kvDimension * MemoryLayout<Float16>.stride
        for base in [UnsafeMutableRawPointer(keys), UnsafeMutableRawPointer(values)] {
            for l in 0..<layers {
                let layer = base + l * contextLength * rowBytes
                let start = (Int(bitPattern: layer + position * rowBytes) + page - 1) / page * page
                let end = Int(bitPattern: layer + contextLength * rowBytes) / page * page
                if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
            }
        }
    }

    @inline(__always)
    func key(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        keys + (layer * contextLength + position) * kvDimension
    }

    @inline(__always)
    func value(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        values + (layer * contextLength + position) * kvDimension
    }

    /// Stores one position's key and value (kvDimension floats each), rounding to f16.
    func store(layer: Int, position: Int, key k: UnsafePointer<Float>, value v: UnsafePointer<Float>) {
        let kd = key(layer: layer, position: position), vd = value(layer: layer, position: position)
        kernels.roundToHalves(k, kvDimension, kd)
        kernels.roundToHalves(v, kvDimension, vd)
    }
}
