/// A set of bytes, one bit per byte value: what one grammar element accepts.
package struct ByteSet: Hashable, Sendable {
    private var words = SIMD4<UInt64>(repeating: 0)

    package init() {}

    /// The bytes of every closed range.
    package init(_ ranges: ClosedRange<UInt8>...) {
        for r in ranges { for b in r { insert(b) } }
    }

    /// Exactly the bytes of `text`.
    package init(anyOf text: String) {
        for b in text.utf8 { insert(b) }
    }

    package mutating func insert(_ b: UInt8) {
        words[Int(b >> 6)] |= 1 << UInt64(b & 63)
    }

    @inline(__always)
    package func contains(_ b: UInt8) -> Bool {
        (words[Int(b >> 6)] >> UInt64(b & 63)) & 1 != 0
    }

    package var isEmpty: Bool { words == SIMD4(repeating: 0) }

    package func union(_ other: ByteSet) -> ByteSet {
        var s = self
        s.words |= other.words
        return s
    }
}
