#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Token texts, indexed by id, kept in one byte buffer with offsets, and an open-addressing index from text
/// to id. One byte array per token plus a dictionary over them cost Gemma 3's 262,144 tokens about 20 MB;
/// this costs the bytes, 4 B of offset per token and 8 B of index per token (docs/kernels.md, "Memory").
package struct TokenTexts: RandomAccessCollection, Sendable {
    private let bytes: [UInt8]
    /// Text of id i is bytes[offsets[i]..<offsets[i + 1]].
    private let offsets: [UInt32]
    /// Ids by hash of their text, -1 where empty; a power of two at least twice the token count.
    private let slots: [Int32]

    /// - Throws: `TokenizerError` when the texts exceed 4 GiB or 2^31 tokens.
    init(_ texts: [[UInt8]]) throws(TokenizerError) {
        let total = texts.reduce(0) { $0 + $1.count }
        guard total <= Int(UInt32.max), texts.count < Int(Int32.max) / 2 else {
            throw TokenizerError("a vocabulary of \(texts.count) tokens and \(total) bytes is too large")
        }
        var bytes: [UInt8] = [], offsets: [UInt32] = [0]
        bytes.reserveCapacity(total)
        offsets.reserveCapacity(texts.count + 1)
        for text in texts {
            bytes += text
            offsets.append(UInt32(bytes.count))
        }
        self.bytes = bytes
        self.offsets = offsets
        var capacity = 16
        while capacity < 2 * texts.count { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        bytes.withUnsafeBytes { all in
            for id in texts.indices {
                let text = UnsafeRawBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])])
                // A text listed twice maps to its last id, as a dictionary filled in id order would.
                let slot = Self.find(text, slots: slots, bytes: all, offsets: offsets)
                slots[slot] = Int32(id)
            }
        }
        self.slots = slots
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { offsets.count - 1 }

    /// The text of token `id` (a copy).
    package subscript(id: Int) -> [UInt8] { Array(bytes[Int(offsets[id])..<Int(offsets[id + 1])]) }

    /// The id of the token whose text is exactly `text`.
    func id(of text: [UInt8]) -> Int? {
        text.withUnsafeBytes { text in
            bytes.withUnsafeBytes { all in
                let id = slots[Self.find(text, slots: slots, bytes: all, offsets: offsets)]
                return id < 0 ? nil : Int(id)
            }
        }
    }

    /// The slot holding `text`, else the empty slot where it would go (linear probing).
    private static func find(_ text: UnsafeRawBufferPointer, slots: [Int32], bytes: UnsafeRawBufferPointer,
                             offsets: [UInt32]) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: text)
        let mask = slots.count - 1
        var slot = hasher.finalize() & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return slot }
            let start = Int(offsets[id]), end = Int(offsets[id + 1])
            if end - start == text.count && (text.isEmpty || memcmp(bytes.baseAddress! + start, text.baseAddress!, text.count) == 0) {
                return slot
            }
            slot = (slot + 1) & mask
        }
    }
}
