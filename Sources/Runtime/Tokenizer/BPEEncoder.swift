/// Byte-level BPE (GPT-2 style): pre-tokenize, map bytes to stand-in code points, merge by rank.
struct BPEEncoder: Sendable {
    let vocabulary: Vocabulary
    let preTokenizer: PreTokenizer

    private struct Candidate {
        let left: Int, right: Int, rank: Int
        let length: Int   // bytes of left + right when queued, to spot stale entries
    }

    /// Appends the ids of plain text (no special tokens inside) to `output`.
    func encode(_ text: Substring, into output: inout [Int]) {
        let scalars = Array(text.unicodeScalars)
        for word in preTokenizer.split(scalars) {
            var utf8: [UInt8] = []
            for scalar in scalars[word] { utf8 += Array(String(scalar).utf8) }
            encodeWord(ByteLevelEncoding.encode(utf8), into: &output)
        }
    }

    private func encodeWord(_ word: [UInt8], into output: inout [Int]) {
        var symbols = [MergeSymbol](characters: word)
        var queue = MergeQueue<Candidate> { a, b in a.rank < b.rank || (a.rank == b.rank && a.left < b.left) }
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let l = symbols[left], r = symbols[right]
            let a = word[l.start..<(l.start + l.count)], b = word[r.start..<(r.start + r.count)]
            if let rank = vocabulary.rank(a, b) {
                queue.push(Candidate(left: left, right: right, rank: rank, length: l.count + r.count))
            }
        }
        for i in symbols.indices.dropFirst() { consider(i - 1, i) }
        while let best = queue.pop() {
            let l = symbols[best.left], r = symbols[best.right]
            // Stale when either side changed since queueing (llama.cpp compares the texts;
            // a live pair at the same positions has the same text exactly when the lengths agree).
            guard l.count > 0, r.count > 0, l.next == best.right, l.count + r.count == best.length else { continue }
            symbols.merge(best.left, best.right)
            consider(symbols[best.left].previous, best.left)
            consider(best.left, symbols[best.left].next)
        }
        var i = symbols.isEmpty ? -1 : 0
        while i >= 0 {
            let s = symbols[i]
            let piece = Array(word[s.start..<(s.start + s.count)])
            if let id = vocabulary.id(of: piece) {
                output.append(id)
            } else {
                // Not in the vocabulary: each byte of the stand-in text alone, skipping unknown ones.
                for byte in piece { if let id = vocabulary.id(of: [byte]) { output.append(id) } }
            }
            i = s.next
        }
    }
}
