/// Every token's bytes as a trie laid out in depth-first order, so a grammar walks each shared prefix
/// once and skips every token under a prefix it rejects (node `i`'s subtree is `i..<subtreeEnd[i]`).
/// Built once per tokenizer; tokens with no bytes (control tokens) are not in it.
package struct TokenTrie: Sendable {
    /// Per node: the byte on the edge from its parent, its depth (= bytes from the root), where its subtree ends.
    let byte: [UInt8]
    let depth: [UInt16]
    let subtreeEnd: [Int32]
    /// Tokens whose bytes end at node i: `tokens[tokenStart[i]..<tokenStart[i + 1]]`.
    let tokenStart: [Int32]
    let tokens: [Int32]
    /// Every token's bytes, by id.
    package let pieces: [[UInt8]]
    /// Tokens that end a generation: allowed only where the grammar is complete.
    package let endOfGeneration: Set<Int>
    package let maxPieceLength: Int

    package var nodeCount: Int { byte.count }

    package init(tokenizer: Tokenizer) {
        let pieces = (0..<tokenizer.vocabulary.count).map { tokenizer.piece($0, special: false) }
        self.init(pieces: pieces, endOfGeneration: tokenizer.vocabulary.endOfGeneration)
    }

    /// Depths are capped at `UInt16.max` bytes: a longer piece is left out.
    package init(pieces: [[UInt8]], endOfGeneration: Set<Int>) {
        self.pieces = pieces
        self.endOfGeneration = endOfGeneration
        let order = pieces.indices.filter { !pieces[$0].isEmpty && pieces[$0].count < Int(UInt16.max) }
            .sorted { pieces[$0].lexicographicallyPrecedes(pieces[$1]) }
        var byte: [UInt8] = [0], depth: [UInt16] = [0], subtreeEnd: [Int32] = [0], tokenStart: [Int32] = [0]
        var tokens: [Int32] = []
        var path: [Int] = [0]   // path[d]: the node at depth d on the current piece
        var previous: [UInt8] = []
        for id in order {
            let piece = pieces[id]
            var common = 0
            while common < min(piece.count, previous.count) && piece[common] == previous[common] { common += 1 }
            while path.count > common + 1 { subtreeEnd[path.removeLast()] = Int32(byte.count) }
            for d in common..<piece.count {
                byte.append(piece[d])
                depth.append(UInt16(d + 1))
                subtreeEnd.append(0)
                tokenStart.append(Int32(tokens.count))
                path.append(byte.count - 1)
            }
            tokens.append(Int32(id))
            previous = piece
        }
        while let n = path.popLast() { subtreeEnd[n] = Int32(byte.count) }
        tokenStart.append(Int32(tokens.count))
        self.byte = byte
        self.depth = depth
        self.subtreeEnd = subtreeEnd
        self.tokenStart = tokenStart
        self.tokens = tokens
        maxPieceLength = order.map { pieces[$0].count }.max() ?? 0
    }
}
