/// A reader for Protocol Buffers' wire format, enough to walk a message field by field:
/// each field is a varint key (field number << 3 | wire type) followed by a varint, a fixed
/// 32/64-bit value, or a varint length and that many bytes. Every length is checked against the
/// bytes left, so a truncated or hostile file throws instead of trapping.
struct ProtobufReader {
    /// One field's payload; `bytes` holds a nested message, a string or packed values.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    struct Malformed: Error, Sendable {
        let message: String
    }

    private let data: ArraySlice<UInt8>
    private var at: Int

    init(_ data: ArraySlice<UInt8>) {
        self.data = data
        at = data.startIndex
    }

    /// The next (field number, value), or nil at the end of the message.
    mutating func next() throws(Malformed) -> (field: Int, value: Value)? {
        guard at < data.endIndex else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        guard field > 0 else { throw Malformed(message: "field number 0 at byte \(at - data.startIndex)") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try fixed(8)))
        case 5: return (field, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        case 2:
            let length = try varint()
            guard length <= UInt64(data.endIndex - at) else {
                throw Malformed(message: "field \(field) claims \(length) bytes, \(data.endIndex - at) left")
            }
            let start = at
            at += Int(length)
            return (field, .bytes(data[start..<at]))
        default:
            throw Malformed(message: "unsupported wire type \(key & 7) for field \(field)")
        }
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while at < data.endIndex {
            let byte = data[at]
            at += 1
            guard shift < 64 else { throw Malformed(message: "varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw Malformed(message: "truncated varint")
    }

    private mutating func fixed(_ size: Int) throws(Malformed) -> UInt64 {
        guard data.endIndex - at >= size else { throw Malformed(message: "truncated \(size * 8)-bit value") }
        var result: UInt64 = 0
        for i in 0..<size { result |= UInt64(data[at + i]) << (8 * UInt64(i)) }
        at += size
        return result
    }
}

extension ProtobufReader.Value {
    /// A varint as a signed int32/int64 field (negative values are sign-extended to 64 bits).
    var int: Int? { if case .varint(let v) = self { return Int(truncatingIfNeeded: v) } else { return nil } }
    var bool: Bool? { if case .varint(let v) = self { return v != 0 } else { return nil } }
    var float: Float? { if case .fixed32(let v) = self { return Float(bitPattern: v) } else { return nil } }
    var bytes: ArraySlice<UInt8>? { if case .bytes(let b) = self { return b } else { return nil } }
}
