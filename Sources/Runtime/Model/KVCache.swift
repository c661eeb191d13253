// Keys and values of every processed position, stored as f16 like llama.cpp's default cache.
// Layout: (layers, contextLength, kvDimension) for K and for V.

/// The attention cache, sized once for `contextLength` positions.
final class KVCache: @unchecked Sendable {
    let layers: Int
    let contextLength: Int
    let kvDimension: Int
    let keys: UnsafeMutablePointer<Float16>
    let values: UnsafeMutablePointer<Float16>

    init(layers: Int, contextLength: Int, kvDimension: Int) {
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
        for i in 0..<kvDimension {
            kd[i] = Float16(k[i])
            vd[i] = Float16(v[i])
        }
    }
}
