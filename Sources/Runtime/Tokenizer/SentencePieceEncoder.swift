/// SentencePiece-style BPE (llama, gemma): spaces become "▁", the best-scoring adjacent pair that
/// forms a token merges first, and anything left that is not a token falls back to byte tokens.
struct SentencePieceEncoder: Sendable {
    let vocabulary: Vocabulary

    private struct Candidate {
        let left: Int, right: Int
        let score: Float
        let length: Int
    }

    /// Appends the ids of plain text (already prefixed with a space when the model wants one).
    func encode(_ text: Substring, into output: inout [Int]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if b == 0x20 { bytes += [0xE2, 0x96, 0x81] } else { bytes.append(b) }   // " " -> "▁"
        }
        guard !bytes.isEmpty else { return }
        var symbols = [MergeSymbol](characters: bytes)
        var queue = MergeQueue<Candidate> { a, b in a.score > b.score || (a.score == b.score && a.left < b.left) }
        // Which two symbols formed each merged text, for splitting non-tokens back (last one wins).
        var formedFrom: [[UInt8]: (Int, Int)] = [:]
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let l = symbols[left], r = symbols[right]
            let text = Array(bytes[l.start..<(r.start + r.count)])
            guard let id = vocabulary.id(of: text) else { return }
            queue.push(Candidate(left: left, right: right, score: vocabulary.scores[id], length: text.count))
            formedFrom[text] = (left, right)
        }
        for i in symbols.indices.dropFirst() { consider(i - 1, i) }
        while let best = queue.pop() {
            let l = symbols[best.left], r = symbols[best.right]
            guard l.count > 0, r.count > 0, l.count + r.count == best.length else { continue }
            symbols.merge(best.left, best.right)
            consider(symbols[best.left].previous, best.left)
            consider(best.left, symbols[best.left].next)
        }
        func emit(_ index: Int, depth: Int) {
            let s = symbols[index]
            let text = Array(bytes[s.start..<(s.start + s.count)])
            if let id = vocabulary.id(of: text) { output.append(id); return }
            if depth < 64, let (a, b) = formedFrom[text] {
                emit(a, depth: depth + 1)
                emit(b, depth: depth + 1)
                return
            }
            for byte in text { if let id = vocabulary.byteToken(byte) ?? vocabulary.unknown { output.append(id) } }
        }
        var i = 0
        while i >= 0 {
            emit(i, depth: 0)
            i = symbols[i].next
        }
    }
}
