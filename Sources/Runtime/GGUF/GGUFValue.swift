/// One metadata value. Arrays stay in the mapping and are decoded on demand
/// (a 262k-entry vocabulary costs nothing until the tokenizer asks for it).
package enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    case array(GGUFArray)

    package var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        case .array: .array
        }
    }

    /// Any integer type as `Int` (nil for other types or a UInt64 that does not fit).
    package var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// Any number (integer or float) as `Double`.
    package var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: int.map(Double.init)
        }
    }

    package var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    package var array: GGUFArray? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// A metadata array: element type, count, and its encoded elements inside the mapping.
package struct GGUFArray: Sendable, Equatable {
    package let elementType: GGUFValueType
    package let count: Int
    /// The encoded elements exactly as in the file (strings length-prefixed), for writers that copy them.
    package var rawBytes: UnsafeRawBufferPointer { storage.bytes }
    let storage: ArrayStorage

    init(elementType: GGUFValueType, count: Int, storage: ArrayStorage) {
        self.elementType = elementType
        self.count = count
        self.storage = storage
    }

    package static func == (a: GGUFArray, b: GGUFArray) -> Bool {
        a.elementType == b.elementType && a.count == b.count
            && a.rawBytes.elementsEqual(b.rawBytes)
    }

    /// The elements as strings, or nil if this is not a string array.
    package func strings() -> [String]? {
        guard elementType == .string else { return nil }
        var result: [String] = []
        result.reserveCapacity(count)
        var at = 0
        let raw = rawBytes
        for _ in 0..<count {
            // Lengths were validated when the file was opened.
            let length = Int(raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian)
            at += 8
            result.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<at + length]), as: UTF8.self))
            at += length
        }
        return result
    }

    /// Integer elements as `Int` (any integer element type), or nil.
    package func ints() -> [Int]? {
        switch elementType {
        case .uint8: load(UInt8.self) { Int($0) }
        case .int8: load(Int8.self) { Int($0) }
        case .uint16: load(UInt16.self) { Int(UInt16(littleEndian: $0)) }
        case .int16: load(Int16.self) { Int(Int16(littleEndian: $0)) }
        case .uint32: load(UInt32.self) { Int(UInt32(littleEndian: $0)) }
        case .int32: load(Int32.self) { Int(Int32(littleEndian: $0)) }
        case .uint64: load(UInt64.self) { Int(truncatingIfNeeded: UInt64(littleEndian: $0)) }
        case .int64: load(Int64.self) { Int(Int64(littleEndian: $0)) }
        default: nil
        }
    }

    /// Float elements as `Float` (FLOAT32 or FLOAT64 arrays), or nil.
    package func floats() -> [Float]? {
        switch elementType {
        case .float32: load(UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case .float64: load(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
        default: nil
        }
    }

    /// Every element as a `GGUFValue`.
    package func values() -> [GGUFValue] {
        if let s = strings() { return s.map { .string($0) } }
        var cursor = GGUFCursor(bytes: rawBytes, base: 0)
        var out: [GGUFValue] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            // Fixed-size elements were bounds-checked at open time.
            guard let v = try? cursor.readScalar(elementType) else { break }
            out.append(v)
        }
        return out
    }

    private func load<T, R>(_: T.Type, _ convert: (T) -> R) -> [R] {
        let raw = rawBytes
        let stride = MemoryLayout<T>.size
        return (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * stride, as: T.self)) }
    }
}

/// Keeps the mapping alive for as long as an array value refers into it.
final class ArrayStorage: @unchecked Sendable {
    let owner: MappedFile?
    let bytes: UnsafeRawBufferPointer
    init(owner: MappedFile?, bytes: UnsafeRawBufferPointer) {
        self.owner = owner
        self.bytes = bytes
    }
}
