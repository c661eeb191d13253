/// A binary min-heap of merge candidates: the first by `precedes` pops first.
///
/// Both tokenizers merge the best adjacent pair repeatedly; stale entries (a side already merged
/// away) stay in the heap and are skipped when popped, as in llama.cpp.
struct MergeQueue<Element> {
    private var heap: [Element] = []
    private let precedes: (Element, Element) -> Bool

    init(precedes: @escaping (Element, Element) -> Bool) { self.precedes = precedes }

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ element: Element) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, precedes(heap[left], heap[best]) { best = left }
            if right < heap.count, precedes(heap[right], heap[best]) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}

/// One symbol of a word being merged: a byte range of the word, linked to its live neighbours.
struct MergeSymbol {
    var start: Int
    var count: Int
    var previous: Int
    var next: Int
}

extension Array where Element == MergeSymbol {
    /// One symbol per UTF-8 character of `bytes` (a truncated last character stays one symbol).
    init(characters bytes: [UInt8]) {
        self.init()
        var offset = 0
        while offset < bytes.count {
            let lead = bytes[offset]
            // llama.cpp's unicode_len_utf8: by the high nibble, continuation bytes count as 1.
            let length = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4][Int(lead >> 4)]
            let n = Swift.min(length, bytes.count - offset)
            append(MergeSymbol(start: offset, count: n, previous: count - 1, next: offset + n == bytes.count ? -1 : count + 1))
            offset += n
        }
    }

    /// Merges the symbol at `right` into the one at `left` and unlinks it.
    mutating func merge(_ left: Int, _ right: Int) {
        self[left].count += self[right].count
        self[right].count = 0
        self[left].next = self[right].next
        if self[right].next >= 0 { self[self[right].next].previous = left }
    }
}
