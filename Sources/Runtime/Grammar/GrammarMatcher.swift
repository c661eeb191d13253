/// Reads text one byte at a time and says whether it is still the start of a sentence of a grammar,
/// keeping the set of parse stacks llama.cpp's grammar sampler keeps. Stacks share their frames: a
/// frame is (the element to match next, the frame to return to), all frames live in one arena, and
/// advancing a stack adds one frame rather than copying the stack. Trying text that may be rejected
/// (`accepts`, the token walk) adds frames past a mark and drops them afterwards.
package struct GrammarMatcher: Sendable {
    struct Frame: Sendable {
        var element: Int32
        var parent: Int32
    }

    package let grammar: Grammar
    private var frames: [Frame] = []
    /// The parse stacks, by top frame; `accepted` stands for a stack that has matched the whole root.
    private(set) var tops: [Int32] = []
    /// Room for stepping without allocating: stacks of the text tried so far, one range per byte.
    var scratch: [Int32] = []
    private var compactAbove = 1 << 16
    static let accepted: Int32 = -1
    /// Stacks kept per position; past it the rest are dropped, which keeps every answer valid but may
    /// forbid some valid continuations (only grammars with very ambiguous alternatives get there).
    static let maxStacks = 256

    package init(_ grammar: Grammar) {
        self.grammar = grammar
        for a in grammar.alternatives(of: grammar.root) { settle(grammar.altStarts[a], parent: Self.accepted, start: 0) }
        tops = scratch
        scratch.removeAll(keepingCapacity: true)
    }

    /// True when the text so far is a whole sentence.
    package var isAccepting: Bool { tops.contains(Self.accepted) }
    /// True when some byte can still follow.
    package var canContinue: Bool { tops.contains { $0 != Self.accepted } }

    /// Consumes `bytes`; when they cannot follow, returns false and stays as it was.
    package mutating func feed(_ bytes: some Sequence<UInt8>) -> Bool {
        let mark = frames.count
        guard let range = walk(bytes) else {
            frames.removeSubrange(mark...)
            return false
        }
        tops = Array(scratch[range])
        scratch.removeAll(keepingCapacity: true)
        if frames.count > compactAbove { compact() }
        return true
    }

    /// Whether `bytes` can follow the text so far (nothing changes).
    package mutating func accepts(_ bytes: some Sequence<UInt8>) -> Bool {
        let mark = frames.count
        defer { frames.removeSubrange(mark...); scratch.removeAll(keepingCapacity: true) }
        return walk(bytes) != nil
    }

    /// The fewest bytes that complete a sentence from here (0 when the text is one already).
    package var minimumCompletion: Int {
        var best = Grammar.unreachable
        for t in tops { best = min(best, cost(t)) }
        return Int(best)
    }

    /// Steps through `bytes` from the committed stacks; the range of `scratch` holding the stacks
    /// after them, or nil as soon as none is left.
    private mutating func walk(_ bytes: some Sequence<UInt8>) -> Range<Int>? {
        scratch.removeAll(keepingCapacity: true)
        scratch += tops
        var range = 0..<scratch.count
        for b in bytes {
            range = step(range, b)
            if range.isEmpty { return nil }
        }
        return range
    }

    // MARK: stepping (also used by the vocabulary walk)

    /// A mark to `rewind` to: frames added after it are dropped.
    var frameMark: Int { frames.count }

    mutating func rewind(to mark: Int) {
        if frames.count > mark { frames.removeSubrange(mark...) }
    }

    /// Appends to `scratch` the stacks that follow `byte` from those in `scratch[range]`; returns their range.
    mutating func step(_ range: Range<Int>, _ byte: UInt8) -> Range<Int> {
        let start = scratch.count
        for i in range {
            let top = scratch[i]
            guard top >= 0 else { continue }
            let f = frames[Int(top)]
            guard case .bytes(let s) = grammar.elements[Int(f.element)], grammar.sets[Int(s)].contains(byte) else { continue }
            settle(f.element + 1, parent: f.parent, start: start)
        }
        return start..<scratch.count
    }

    /// The fewest bytes that complete a sentence from the stack whose top is `top`.
    func cost(_ top: Int32) -> Int32 {
        var sum: Int32 = 0
        var f = top
        while f >= 0 {
            let frame = frames[Int(f)]
            sum += grammar.minRest[Int(frame.element)]
            f = frame.parent
        }
        return min(sum, Grammar.unreachable)
    }

    /// Adds to `scratch[start...]` the stacks that continue at element `e` under `parent`, expanding
    /// rules until each stack's top is a byte class (or the root is done).
    private mutating func settle(_ e: Int32, parent: Int32, start: Int) {
        switch grammar.elements[Int(e)] {
        case .bytes:
            add(element: e, parent: parent, existing: nil, start: start)
        case .end:
            guard parent >= 0 else { return add(element: -1, parent: -1, existing: Self.accepted, start: start) }
            let p = frames[Int(parent)]
            if case .bytes = grammar.elements[Int(p.element)] {
                add(element: p.element, parent: p.parent, existing: parent, start: start)
            } else {
                settle(p.element, parent: p.parent, start: start)
            }
        case .rule(let r):
            let next = e + 1
            var back = parent
            if grammar.elements[Int(next)] != .end {   // a rule last in its alternative returns straight to the parent
                frames.append(Frame(element: next, parent: parent))
                back = Int32(frames.count - 1)
            }
            for a in grammar.alternatives(of: r) { settle(grammar.altStarts[a], parent: back, start: start) }
        }
    }

    /// Adds one stack unless an equal one is there (same element over the same parent frame).
    private mutating func add(element: Int32, parent: Int32, existing: Int32?, start: Int) {
        let count = scratch.count - start
        guard count < Self.maxStacks else { return }
        for i in start..<scratch.count {
            let t = scratch[i]
            if t == Self.accepted || existing == Self.accepted { if t == existing { return } else { continue } }
            let f = frames[Int(t)]
            if f.element == element && f.parent == parent { return }
        }
        if let existing {
            scratch.append(existing)
        } else {
            frames.append(Frame(element: element, parent: parent))
            scratch.append(Int32(frames.count - 1))
        }
    }

    /// Copies the frames the stacks use into a fresh arena (accepted text leaves frames behind).
    private mutating func compact() {
        var fresh: [Frame] = []
        var moved: [Int32: Int32] = [:]
        var newTops: [Int32] = []
        for t in tops {
            var chain: [Int32] = []
            var f = t
            while f >= 0, moved[f] == nil { chain.append(f); f = frames[Int(f)].parent }
            var parent = f >= 0 ? moved[f]! : f
            for old in chain.reversed() {
                fresh.append(Frame(element: frames[Int(old)].element, parent: parent))
                parent = Int32(fresh.count - 1)
                moved[old] = parent
            }
            newTops.append(t >= 0 ? moved[t]! : t)
        }
        frames = fresh
        tops = newTops
        compactAbove = max(1 << 16, 4 * frames.count)
    }
}

extension GrammarMatcher {
    /// The elements of the stack whose top is `top`, top first (empty for a finished stack).
    func elements(of top: Int32) -> [Int32] {
        var out: [Int32] = []
        var f = top
        while f >= 0 {
            out.append(frames[Int(f)].element)
            f = frames[Int(f)].parent
        }
        return out
    }
}
