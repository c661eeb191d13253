/// A context-free grammar over bytes in the flat form the matcher walks, as llama.cpp keeps a parsed
/// GBNF grammar: each rule is a list of alternatives, each alternative a run of elements (a byte
/// class or a reference to a rule) closed by `.end`. Built by `GrammarBuilder`, which also checks
/// that no rule can reach itself without consuming a byte (the matcher would never stop expanding).
package struct Grammar: Sendable {
    package enum Element: Equatable, Sendable {
        /// One byte from `sets[i]`.
        case bytes(Int32)
        case rule(Int32)
        case end
    }

    let elements: [Element]
    let sets: [ByteSet]
    /// The first element of each alternative; rule r's are `altStarts[ruleAlts[r]..<ruleAlts[r + 1]]`.
    let altStarts: [Int32]
    let ruleAlts: [Int32]
    let root: Int32
    let names: [String]
    /// Fewest bytes from each element to the end of its alternative (`unreachable` if none).
    let minRest: [Int32]
    /// A length no completion reaches: the minimum of a rule that never ends.
    static let unreachable: Int32 = 1 << 28

    init(rules: [[[Element]]], sets: [ByteSet], names: [String], root: Int32) throws(GrammarError) {
        var elements: [Element] = [], altStarts: [Int32] = [], ruleAlts: [Int32] = []
        for alternatives in rules {
            ruleAlts.append(Int32(altStarts.count))
            for alt in alternatives {
                altStarts.append(Int32(elements.count))
                elements += alt
            }
        }
        ruleAlts.append(Int32(altStarts.count))
        self.elements = elements
        self.sets = sets
        self.altStarts = altStarts
        self.ruleAlts = ruleAlts
        self.root = root
        self.names = names
        try Self.checkLeftRecursion(rules, names: names)
        let minLength = Self.minimumLengths(rules)
        guard minLength[Int(root)] < Self.unreachable else {
            throw GrammarError("grammar rule '\(names[Int(root)])' has no finite match")
        }
        var minRest = [Int32](repeating: 0, count: elements.count)
        for r in rules.indices {
            for a in Int(ruleAlts[r])..<Int(ruleAlts[r + 1]) {
                var e = Int(altStarts[a])
                while elements[e] != .end { e += 1 }
                var rest: Int32 = 0
                while e > Int(altStarts[a]) {
                    e -= 1
                    switch elements[e] {
                    case .bytes: rest += 1
                    case .rule(let x): rest += minLength[Int(x)]
                    case .end: break
                    }
                    rest = min(rest, Self.unreachable)
                    minRest[e] = rest
                }
            }
        }
        self.minRest = minRest
    }

    /// The alternatives' first elements of rule `r`.
    func alternatives(of r: Int32) -> Range<Int> { Int(ruleAlts[Int(r)])..<Int(ruleAlts[Int(r) + 1]) }

    /// Which rules match the empty string (a fixpoint over all rules).
    static func nullable(_ rules: [[[Element]]]) -> [Bool] {
        var nullable = [Bool](repeating: false, count: rules.count)
        var changed = true
        while changed {
            changed = false
            for r in rules.indices where !nullable[r] {
                let any = rules[r].contains { alt in
                    alt.allSatisfy { e in
                        switch e {
                        case .bytes: return false
                        case .rule(let x): return nullable[Int(x)]
                        case .end: return true
                        }
                    }
                }
                if any { nullable[r] = true; changed = true }
            }
        }
        return nullable
    }

    /// Throws when a rule can reach itself without consuming a byte (through its left corners).
    static func checkLeftRecursion(_ rules: [[[Element]]], names: [String]) throws(GrammarError) {
        let nullable = nullable(rules)
        var corners = [[Int32]](repeating: [], count: rules.count)
        for r in rules.indices {
            for alt in rules[r] {
                for e in alt {
                    guard case .rule(let x) = e else { break }
                    corners[r].append(x)
                    if !nullable[Int(x)] { break }
                }
            }
        }
        // Iterative depth-first search: 0 unvisited, 1 on the path, 2 done.
        var color = [UInt8](repeating: 0, count: rules.count)
        for start in rules.indices where color[start] == 0 {
            var path: [(rule: Int, next: Int)] = [(start, 0)]
            color[start] = 1
            while let (r, next) = path.last {
                if next == corners[r].count {
                    color[r] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let x = Int(corners[r][next])
                if color[x] == 1 { throw GrammarError("grammar rule '\(names[x])' refers to itself without consuming input") }
                if color[x] == 0 { color[x] = 1; path.append((x, 0)) }
            }
        }
    }

    /// The fewest bytes each rule can match (`unreachable` for rules that never end).
    static func minimumLengths(_ rules: [[[Element]]]) -> [Int32] {
        var length = [Int32](repeating: unreachable, count: rules.count)
        var changed = true
        while changed {
            changed = false
            for r in rules.indices {
                for alt in rules[r] {
                    var sum: Int32 = 0
                    for e in alt {
                        switch e {
                        case .bytes: sum += 1
                        case .rule(let x): sum += length[Int(x)]
                        case .end: break
                        }
                        sum = min(sum, unreachable)
                    }
                    if sum < length[r] { length[r] = sum; changed = true }
                }
            }
        }
        return length
    }
}
