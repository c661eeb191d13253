import Glibc

/// Finds special tokens written out in text, as llama.cpp's `tokenizer_st_partition` does.
///
/// Special tokens are tried longest first; each one splits every remaining text fragment at all of
/// its occurrences. Control and unknown tokens count only when `parseSpecial` is on; user-defined
/// tokens (Gemma's whitespace runs, for example) always do.
struct SpecialTokenSplitter: Sendable {
    enum Fragment: Equatable {
        case text(Range<Int>)   // UTF-8 byte offsets into the input
        case token(Int)
    }

    /// (id, text, isControlOrUnknown), longest text first, then by id.
    private let specials: [(id: Int, text: [UInt8], control: Bool)]

    init(vocabulary: Vocabulary) {
        var list: [(id: Int, text: [UInt8], control: Bool)] = []
        for id in 0..<vocabulary.count {
            let type = vocabulary.types[id]
            guard type == .control || type == .userDefined || type == .unknown, !vocabulary.texts[id].isEmpty else { continue }
            list.append((id, vocabulary.texts[id], type != .userDefined))
        }
        list.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        specials = list
    }

    func split(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        bytes.withUnsafeBufferPointer { all in
                for special in specials where parseSpecial || !special.control {
                // Cheap filter: most special tokens never occur in the text at all.
                guard Self.find(special.text, in: all, from: 0, to: all.count) != nil else { continue }
                var next: [Fragment] = []
                for fragment in fragments {
                    guard case .text(let range) = fragment else { next.append(fragment); continue }
                    var from = range.lowerBound
                    while from < range.upperBound,
                          let hit = Self.find(special.text, in: all, from: from, to: range.upperBound) {
                        if hit > from { next.append(.text(from..<hit)) }
                        next.append(.token(special.id))
                        from = hit + special.text.count
                    }
                    if from < range.upperBound { next.append(.text(from..<range.upperBound)) }
                }
                fragments = next
            }
        }
        return fragments
    }

    /// The first offset in `from..<end` where `needle` starts (memchr on the first byte, then memcmp).
    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        guard let base = haystack.baseAddress, let first = needle.first else { return nil }
        return needle.withUnsafeBufferPointer { n -> Int? in
            guard let nBase = n.baseAddress else { return nil }
            var at = from
            while end - at >= n.count {
                guard let hit = memchr(base + at, Int32(first), end - at - n.count + 1) else { return nil }
                let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + offset, nBase, n.count) == 0 { return offset }
                at = offset + 1
            }
            return nil
        }
    }
}
