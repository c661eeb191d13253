/// Reads little-endian GGUF scalars from a byte buffer, throwing on any short read. What is read
/// is named lazily (`what`), only for an error: a vocabulary has 50,000 and more strings.
/// `base` is added to positions in error messages so they are file offsets.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let base: Int
    var position = 0

    init(bytes: UnsafeRawBufferPointer, base: Int) {
        self.bytes = bytes
        self.base = base
    }

    var remaining: Int { bytes.count - position }

    func error(_ message: String) -> GGUFError { GGUFError(message, offset: base + position) }

    mutating func skip(_ count: Int, what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw error("truncated file: \(what()) needs \(count) bytes, \(remaining) left")
        }
        position += count
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, what: @autoclosure () -> String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw error("truncated file: \(what()) needs \(size) bytes, \(remaining) left") }
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        position += size
        return v
    }

    /// A u64 count or length, checked to fit in `Int` and to be at most `limit`.
    mutating func readCount(what: @autoclosure () -> String, limit: Int) throws(GGUFError) -> Int {
        let start = position
        let raw = try read(UInt64.self, what: what())
        guard raw <= UInt64(limit) else {
            position = start
            throw error("\(what()) is \(raw), more than the \(limit) the rest of the file could hold")
        }
        return Int(raw)
    }

    mutating func readString(what: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try readCount(what: "length of \(what())", limit: remaining - 8)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func readValueType(what: @autoclosure () -> String) throws(GGUFError) -> GGUFValueType {
        let start = position
        let raw = try read(UInt32.self, what: what())
        guard let type = GGUFValueType(rawValue: raw) else {
            position = start
            throw error("unknown value type \(raw) for \(what())")
        }
        return type
    }

    /// A fixed-size scalar or a string (not an array).
    mutating func readScalar(_ type: GGUFValueType) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: .uint8(try read(UInt8.self, what: "uint8 value"))
        case .int8: .int8(try read(Int8.self, what: "int8 value"))
        case .uint16: .uint16(try read(UInt16.self, what: "uint16 value"))
        case .int16: .int16(try read(Int16.self, what: "int16 value"))
        case .uint32: .uint32(try read(UInt32.self, what: "uint32 value"))
        case .int32: .int32(try read(Int32.self, what: "int32 value"))
        case .float32: .float32(Float(bitPattern: try read(UInt32.self, what: "float32 value")))
        case .bool: .bool(try read(UInt8.self, what: "bool value") != 0)
        case .string: .string(try readString(what: "string value"))
        case .uint64: .uint64(try read(UInt64.self, what: "uint64 value"))
        case .int64: .int64(try read(Int64.self, what: "int64 value"))
        case .float64: .float64(Double(bitPattern: try read(UInt64.self, what: "float64 value")))
        case .array: throw error("nested arrays are not allowed")
        }
    }
}
