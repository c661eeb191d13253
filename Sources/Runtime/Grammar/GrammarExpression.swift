/// A rule of a grammar being built; `GrammarBuilder` hands them out.
package struct GrammarRule: Hashable, Sendable {
    let index: Int
}

/// One right-hand side of a grammar over bytes, in the shape GBNF writes them: byte classes,
/// sequences, alternatives, references to named rules (for recursion) and bounded repetition.
package indirect enum GrammarExpression: Sendable {
    case bytes(ByteSet)
    case sequence([GrammarExpression])
    case choice([GrammarExpression])
    case rule(GrammarRule)
    /// `x{min,max}`; `max` nil is unbounded.
    case repetition(GrammarExpression, min: Int, max: Int?)

    /// Matches nothing (the empty string).
    package static var empty: GrammarExpression { .sequence([]) }

    /// Exactly these bytes.
    package static func literal(_ text: String) -> GrammarExpression { literal(Array(text.utf8)) }

    package static func literal(_ bytes: [UInt8]) -> GrammarExpression {
        bytes.count == 1 ? .bytes(ByteSet(bytes[0]...bytes[0])) : .sequence(bytes.map { .bytes(ByteSet($0...$0)) })
    }

    package static func optional(_ e: GrammarExpression) -> GrammarExpression { .repetition(e, min: 0, max: 1) }
    package static func zeroOrMore(_ e: GrammarExpression) -> GrammarExpression { .repetition(e, min: 0, max: nil) }
}

/// A grammar that cannot be used.
package struct GrammarError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Collects named rules, then lowers them into the flat `Grammar` the matcher walks. Choices inside
/// a sequence and repetitions become anonymous rules, as llama.cpp's GBNF parser makes them.
package struct GrammarBuilder {
    private var names: [String] = []
    private var definitions: [GrammarExpression?] = []
    /// Most elements a grammar may have (a schema with huge length bounds would otherwise grow without end).
    package static let maxElements = 250_000

    package init() {}

    /// A rule to be defined later (for recursive rules).
    package mutating func declare(_ name: String) -> GrammarRule {
        names.append(name)
        definitions.append(nil)
        return GrammarRule(index: names.count - 1)
    }

    package mutating func define(_ rule: GrammarRule, as expression: GrammarExpression) {
        definitions[rule.index] = expression
    }

    /// A new rule defined as `expression`.
    package mutating func rule(_ name: String, _ expression: GrammarExpression) -> GrammarRule {
        let r = declare(name)
        define(r, as: expression)
        return r
    }

    /// The flat grammar whose language is `root`'s.
    /// - Throws: `GrammarError` for an undefined rule, a rule that reaches itself without consuming a
    ///   byte, a root with no finite match, or a grammar past `maxElements`.
    package func build(root: GrammarRule) throws(GrammarError) -> Grammar {
        var lowering = Lowering(names: names)
        for (i, d) in definitions.enumerated() {
            guard let d else { throw GrammarError("grammar rule '\(names[i])' is not defined") }
            lowering.pending.append((i, d))
        }
        try lowering.run()
        return try Grammar(rules: lowering.rules, sets: lowering.sets, names: lowering.names, root: Int32(root.index))
    }
}

/// Turns expressions into rules whose alternatives are flat element lists.
private struct Lowering {
    var names: [String]
    var rules: [[[Grammar.Element]]] = []
    var sets: [ByteSet] = []
    var setIndex: [ByteSet: Int32] = [:]
    var pending: [(Int, GrammarExpression)] = []
    var elementCount = 0

    init(names: [String]) {
        self.names = names
        rules = Array(repeating: [], count: names.count)
    }

    mutating func run() throws(GrammarError) {
        while let (index, expression) = pending.popLast() {
            var alternatives: [[Grammar.Element]] = []
            let branches: [GrammarExpression]
            if case .choice(let xs) = expression { branches = xs } else { branches = [expression] }
            for branch in branches {
                var elements: [Grammar.Element] = []
                try lower(branch, into: &elements, name: names[index])
                elements.append(.end)
                elementCount += elements.count
                alternatives.append(elements)
            }
            guard elementCount <= GrammarBuilder.maxElements else {
                throw GrammarError("the grammar is too large (more than \(GrammarBuilder.maxElements) elements)")
            }
            rules[index] = alternatives
        }
    }

    /// A new rule for `expression`, lowered later.
    mutating func anonymous(_ expression: GrammarExpression, name: String) -> Int32 {
        names.append(name)
        rules.append([])
        pending.append((names.count - 1, expression))
        return Int32(names.count - 1)
    }

    mutating func lower(_ e: GrammarExpression, into out: inout [Grammar.Element], name: String) throws(GrammarError) {
        switch e {
        case .bytes(let set):
            if let i = setIndex[set] { out.append(.bytes(i)); return }
            sets.append(set)
            setIndex[set] = Int32(sets.count - 1)
            out.append(.bytes(Int32(sets.count - 1)))
        case .sequence(let xs):
            for x in xs { try lower(x, into: &out, name: name) }
        case .choice(let xs):
            if xs.count == 1 { try lower(xs[0], into: &out, name: name); return }
            out.append(.rule(anonymous(e, name: name + "-alt")))
        case .rule(let r):
            out.append(.rule(Int32(r.index)))
        case .repetition(let x, let min, let max):
            guard min >= 0, max.map({ $0 >= min }) ?? true else { throw GrammarError("bad repetition bounds in '\(name)'") }
            guard min + (max ?? min) <= GrammarBuilder.maxElements else {
                throw GrammarError("the grammar is too large (a repetition of \(max ?? min) in '\(name)')")
            }
            // One element to repeat: a byte class or rule as is, anything longer as its own rule.
            var unit: [Grammar.Element] = []
            try lower(x, into: &unit, name: name)
            if unit.count != 1 { unit = [.rule(anonymous(x, name: name + "-item"))] }
            for _ in 0..<min { out += unit }
            if let max {
                // x? x? ... as nested optionals: opt(k) ::= x opt(k-1) | ε, so a match never branches wider than two.
                var tail: Int32? = nil
                for _ in 0..<(max - min) {
                    let r = Int32(names.count)
                    names.append(name + "-opt")
                    rules.append([unit + (tail.map { [.rule($0)] } ?? []) + [.end], [.end]])
                    elementCount += unit.count + 3
                    tail = r
                }
                if let tail { out.append(.rule(tail)) }
            } else {
                // star ::= x star | ε (right recursion: the matcher reuses the frame, so depth stays flat).
                let r = Int32(names.count)
                names.append(name + "-star")
                rules.append([unit + [.rule(r), .end], [.end]])
                elementCount += unit.count + 3
                out.append(.rule(r))
            }
        }
    }
}
