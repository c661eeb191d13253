/// Turns token pieces into text that is safe to show, honouring stop strings the way Ollama's
/// native runner did (docs/template.md):
/// - text that ends with a prefix of some stop string is held back until it is decided;
/// - after each piece the stop strings are tried in list order, and the first one found anywhere
///   in the held text ends generation: only what precedes it is released;
/// - an incomplete UTF-8 sequence at the end is held back until its bytes arrive.
package struct StopSequenceFilter: Sendable {
    package let stops: [[UInt8]]
    private var pending: [UInt8] = []
    /// True once a stop string was found; later pieces are ignored.
    package private(set) var stopped = false

    package init(stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Adds one token's bytes; returns the text that can be shown now.
    package mutating func push(_ piece: [UInt8]) -> String {
        guard !stopped else { return "" }
        pending += piece
        for stop in stops {
            if let at = Self.firstIndex(of: stop, in: pending) {
                stopped = true
                let text = String(decoding: pending[..<at], as: UTF8.self)
                pending = []
                return text
            }
        }
        var keep = max(Self.heldStopPrefix(pending, stops: stops), Self.incompleteUTF8Tail(pending))
        keep = min(keep, pending.count)
        let release = pending.count - keep
        let text = String(decoding: pending[..<release], as: UTF8.self)
        pending.removeFirst(release)
        return text
    }

    /// Everything still held (at the end of generation without a stop), except a UTF-8 sequence
    /// cut short by the end (num_predict reached mid-character): those bytes show nothing, as in
    /// Ollama, rather than U+FFFD.
    package mutating func flush() -> String {
        defer { pending = [] }
        guard !stopped else { return "" }
        return String(decoding: pending.dropLast(Self.incompleteUTF8Tail(pending)), as: UTF8.self)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    /// Length of the longest suffix of `text` that is a proper prefix of some stop string.
    static func heldStopPrefix(_ text: [UInt8], stops: [[UInt8]]) -> Int {
        var best = 0
        for stop in stops {
            var n = min(stop.count - 1, text.count)
            while n > best {
                if text[(text.count - n)...].elementsEqual(stop[..<n]) { best = n; break }
                n -= 1
            }
        }
        return best
    }

    /// Bytes at the end that start a UTF-8 sequence not yet complete.
    static func incompleteUTF8Tail(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for a lead byte whose sequence runs past the end.
        var i = bytes.count - 1
        var back = 1
        while i >= 0 && back <= 3 {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {   // not a continuation byte: a lead or ASCII
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                return length > back ? back : 0
            }
            i -= 1
            back += 1
        }
        return 0
    }
}
