import Foundation
import KernelInterface

// Keys and values of every processed position, as f16 (llama.cpp's default cache) or as q8_0 / q4_0
// blocks of 32 (llama.cpp's quantized cache types, a half and a quarter of f16's memory less the scales).
// Layout: (layers, contextLength, row) for K and for V, a row being one position's kvDimension values.
// The storage is an anonymous mapping: pages count towards the process's memory only once a position
// on them is written, and `release(from:)` gives them back, so a cache costs what its sequence uses.

/// How the KV cache stores values (Ollama's OLLAMA_KV_CACHE_TYPE).
package enum KVCacheType: String, Sendable, CaseIterable {
    case f16, q8_0, q4_0

    /// Bytes of one row of `count` values (a multiple of 32 for the block types).
    func rowBytes(_ count: Int) -> Int {
        switch self {
        case .f16: 2 * count
        case .q8_0: count / 32 * BlockFormat.q8_0.bytes
        case .q4_0: count / 32 * BlockFormat.q4_0.bytes
        }
    }

    var blockFormat: BlockFormat? {
        switch self {
        case .f16: nil
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        }
    }
}

/// The attention cache of one sequence, sized once for `contextLength` positions.
final class KVCache: @unchecked Sendable {
    let type: KVCacheType
    let layers: Int
    let contextLength: Int
    let kvDimension: Int
    /// Bytes of one position's keys (or values) in one layer.
    let rowBytes: Int
    let keys: UnsafeMutableRawPointer
    let values: UnsafeMutableRawPointer
    /// Rounds to f16 or quantizes with the model's kernel variant.
    let kernels: KernelTable
    /// q4_0 value blocks take the scale of least squared error (KVBlockQuantizer.swift) instead of
    /// ggml's quantize_row_q4_0. Set for models whose keys are balanced (Gemma 3: +3.4% -> +1.7%
    /// perplexity); on SmolLM2 it measured worse (+2.9% -> +5.7%), so elsewhere ggml's stays.
    var searchesScales: Bool
    private let mappedBytes: Int

    /// - Throws: `ModelError` when the address space for the cache cannot be reserved, or a block type
    ///   does not divide the rows.
    init(type: KVCacheType = .f16, layers: Int, contextLength: Int, kvDimension: Int, kernels: KernelTable,
         searchesScales: Bool = false) throws(ModelError) {
        guard type == .f16 || kvDimension % 32 == 0 else {
            throw ModelError(description: "a \(type.rawValue) KV cache needs rows of whole 32-value blocks; this model's are \(kvDimension) wide")
        }
        self.type = type
        self.kernels = kernels
        self.searchesScales = searchesScales
        self.layers = layers
        self.contextLength = contextLength
        self.kvDimension = kvDimension
        rowBytes = type.rowBytes(kvDimension)
        let half = layers * contextLength * rowBytes
        mappedBytes = max(1, 2 * half)
        guard let p = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw ModelError(description: "cannot reserve \(mappedBytes) bytes for a KV cache of \(contextLength) positions")
        }
        keys = p
        values = p + half
    }

    deinit { munmap(keys, mappedBytes) }

    /// Bytes of one position over all layers (keys and values).
    var bytesPerPosition: Int { 2 * layers * rowBytes }

    /// Bytes the cache can hold.
    var byteCount: Int { bytesPerPosition * contextLength }

    /// Returns the pages that hold only positions at or after `position` to the system (they read as 0 again).
    func release(from position: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        for base in [keys, values] {
            for l in 0..<layers {
                let layer = base + l * contextLength * rowBytes
                let start = (Int(bitPattern: layer + position * rowBytes) + page - 1) / page * page
                let end = Int(bitPattern: layer + contextLength * rowBytes) / page * page
                if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
            }
        }
    }

    /// Copies the keys and values of positions 0..<count, every layer, from `other` (same type and shape).
    func copyPositions(_ count: Int, from other: KVCache) {
        precondition(other.type == type && other.layers == layers && other.rowBytes == rowBytes, "KV caches of different shapes")
        let n = min(max(0, count), contextLength, other.contextLength)
        for l in 0..<layers {
            keys.advanced(by: l * contextLength * rowBytes)
                .copyMemory(from: other.keys + l * other.contextLength * rowBytes, byteCount: n * rowBytes)
            values.advanced(by: l * contextLength * rowBytes)
                .copyMemory(from: other.values + l * other.contextLength * rowBytes, byteCount: n * rowBytes)
        }
    }

    /// The f16 keys of a layer from position 0 (rows `kvDimension` apart); nil for a block type.
    @inline(__always)
    func halfKeys(layer: Int) -> UnsafeMutablePointer<Float16>? {
        type == .f16 ? (keys + layer * contextLength * rowBytes).assumingMemoryBound(to: Float16.self) : nil
    }

    /// The f16 values of a layer from position 0; nil for a block type.
    @inline(__always)
    func halfValues(layer: Int) -> UnsafeMutablePointer<Float16>? {
        type == .f16 ? (values + layer * contextLength * rowBytes).assumingMemoryBound(to: Float16.self) : nil
    }

    /// Stores one position's key and value (kvDimension floats each), rounding to f16 or quantizing.
    func store(layer: Int, position: Int, key k: UnsafePointer<Float>, value v: UnsafePointer<Float>) {
        let offset = (layer * contextLength + position) * rowBytes
        if type == .q4_0 && searchesScales {
            // Values only: on keys it measured no better (Gemma 3 +2.1% with it against +1.7% without).
            kernels.quantizeBlocks(.q4_0, k, kvDimension, keys + offset)
            for b in 0..<kvDimension / 32 { quantizeKVBlockQ4_0(v + 32 * b, values + offset + b * BlockFormat.q4_0.bytes) }
        } else if let format = type.blockFormat {
            kernels.quantizeBlocks(format, k, kvDimension, keys + offset)
            kernels.quantizeBlocks(format, v, kvDimension, values + offset)
        } else {
            kernels.roundToHalves(k, kvDimension, (keys + offset).assumingMemoryBound(to: Float16.self))
            kernels.roundToHalves(v, kvDimension, (values + offset).assumingMemoryBound(to: Float16.self))
        }
    }

    /// Widens the keys and values of `positions` in a layer of a block type to f16 rows at `keysOut`,
    /// `valuesOut` (row p at p · kvDimension); `scratch` holds kvDimension floats.
    func dequantize(layer: Int, positions: Range<Int>, keysOut: UnsafeMutablePointer<Float16>, valuesOut: UnsafeMutablePointer<Float16>,
                    scratch: UnsafeMutablePointer<Float>) {
        let ggml: GGMLType = type == .q8_0 ? .q8_0 : .q4_0
        for (source, out) in [(keys, keysOut), (values, valuesOut)] {
            for p in positions {
                _ = dequantizeRow(ggml, source + (layer * contextLength + p) * rowBytes, scratch, count: kvDimension)
                kernels.roundToHalves(scratch, kvDimension, out + p * kvDimension)
            }
        }
    }
}
