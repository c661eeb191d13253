// Encodes a GGUF v3 header (metadata and tensor infos, padded to the alignment) for the quantizer's
// output, so tensor data can then be streamed after it. Layout: see GGUF/GGUFFile.swift.
// (A small writer of our own: the builder's general GGUF writer is not on main yet.)

/// One tensor's entry in an output header; offsets are assigned in order.
package struct GGUFOutputTensor: Sendable, Equatable {
    package var name: String
    package var dimensions: [Int]
    package var type: GGMLType
    package var byteCount: Int

    package init(name: String, dimensions: [Int], type: GGMLType, byteCount: Int) {
        self.name = name; self.dimensions = dimensions; self.type = type; self.byteCount = byteCount
    }
}

/// A metadata value to write: one read from a file, or an array built in memory (import).
package enum GGUFMetadataValue: Sendable {
    case value(GGUFValue)
    case strings([String])
    case int32s([Int32])
    case float32s([Float])
}

/// Serialized GGUF v3 header bytes.
package struct GGUFHeaderEncoder {
    private(set) var bytes: [UInt8] = []

    /// Encodes metadata (in order) and tensor infos with consecutive offsets, each tensor's data
    /// padded to `alignment`, and pads the header itself to `alignment`.
    package static func encode(metadata: [(key: String, value: GGUFValue)], tensors: [GGUFOutputTensor], alignment: Int) -> [UInt8] {
        encode(metadata: metadata.map { ($0.key, GGUFMetadataValue.value($0.value)) }, tensors: tensors, alignment: alignment)
    }

    package static func encode(metadata: [(key: String, value: GGUFMetadataValue)], tensors: [GGUFOutputTensor], alignment: Int) -> [UInt8] {
        var e = GGUFHeaderEncoder()
        e.append(UInt32(0x4655_4747))   // "GGUF"
        e.append(UInt32(3))
        e.append(UInt64(tensors.count))
        e.append(UInt64(metadata.count))
        for (key, value) in metadata {
            e.appendString(key)
            switch value {
            case .value(let v):
                e.append(v.type.rawValue)
                e.appendValue(v)
            case .strings(let list):
                e.appendArrayHeader(.string, list.count)
                for s in list { e.appendString(s) }
            case .int32s(let list):
                e.appendArrayHeader(.int32, list.count)
                for v in list { e.append(v) }
            case .float32s(let list):
                e.appendArrayHeader(.float32, list.count)
                for v in list { e.append(v.bitPattern) }
            }
        }
        var offset = 0
        for tensor in tensors {
            e.appendString(tensor.name)
            e.append(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { e.append(UInt64(d)) }
            e.append(tensor.type.rawValue)
            e.append(UInt64(offset))
            offset += padded(tensor.byteCount, to: alignment)
        }
        e.bytes.append(contentsOf: repeatElement(0, count: padded(e.bytes.count, to: alignment) - e.bytes.count))
        return e.bytes
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func appendArrayHeader(_ type: GGUFValueType, _ count: Int) {
        append(GGUFValueType.array.rawValue)
        append(type.rawValue)
        append(UInt64(count))
    }

    private mutating func appendString(_ s: String) {
        append(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    private mutating func appendValue(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .float32(let v): append(v.bitPattern)
        case .bool(let v): append(UInt8(v ? 1 : 0))
        case .string(let s): appendString(s)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float64(let v): append(v.bitPattern)
        case .array(let a):
            // The elements are copied exactly as the source file encoded them.
            append(a.elementType.rawValue)
            append(UInt64(a.count))
            bytes.append(contentsOf: a.rawBytes)
        }
    }
}

/// `n` rounded up to a multiple of `alignment`.
@inline(__always)
package func padded(_ n: Int, to alignment: Int) -> Int {
    (n + alignment - 1) / alignment * alignment
}
