import KernelInterface

// Keys and values of every processed position, stored as f16 like llama.cpp's default cache.
// Layout: (layers, contextLength, kvDimension) for K and for V.

/// The attention cache, sized once for `contextLength` positions.
final class KVCache: @unchecked Sendable {
    let layers: Int
    let contextLength: Int
    let kvDimension: Int
    let keys: UnsafeMutablePointer<Float16>
    let values: UnsafeMutablePointer<Float16>
    /// Rounds to f16 with the model's kernel variant.
    let kernels: KernelTable

    init(layers: Int, contextLength: Int, kvDimension: Int, kernels: KernelTable) {
        self.kernels = kernels
        self.layers = layers
        self.contextLength = contextLength
        self.kvDimension = kvDimension
        let count = layers * contextLength * kvDimension
        keys = .allocate(capacity: count)
        keys.initialize(repeating: 0, count: count)
        values = .allocate(capacity: count)
        values.initialize(repeating: 0, count: count)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Bytes held by the cache.
    var byteCount: Int { 2 * 2 * layers * contextLength * kvDimension }

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
