/// Splits text into words before BPE merges, by the rules named in `tokenizer.ggml.pre`.
///
/// llama.cpp runs a list of regexes, each splitting the pieces the previous one left. The common
/// regexes are hand-written scanners there too; these scanners follow the same rules without a
/// regex engine. A piece boundary behaves like the end of the text: nothing looks across it.
struct PreTokenizer: Sendable {
    enum Stage: Sendable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`
        case gpt2
        /// llama3's regex (`\p{N}{1,3}`); with `digits: 1` it is qwen2's (`\p{N}`).
        case llama3(digits: Int)
        /// A regex matched left to right whose matches and the gaps between them all become pieces.
        case isolate(Isolation)
    }

    /// `\s?C{min,max}` for a code point class C (the optional space only when `spacePrefix`).
    struct Isolation: Sendable {
        var spacePrefix = false
        var matches: @Sendable (Unicode.Scalar, CodepointClass) -> Bool
        var minCount = 1
        var maxCount = Int.max
    }

    let stages: [Stage]

    /// The stages for a `tokenizer.ggml.pre` name.
    /// - Throws: `TokenizerError` for a name this tokenizer does not implement.
    init(named name: String) throws(TokenizerError) {
        switch name {
        case "default", "":
            stages = [
                .isolate(Isolation { s, c in c.isPunctuation || "$+<=>^~|".unicodeScalars.contains(s) }),
                .gpt2,
                .isolate(Isolation { _, c in c.isNumber }),
                .isolate(Isolation(matches: { s, _ in (0x30...0x39).contains(s.value) }, minCount: 3, maxCount: 3)),
            ]
        case "gpt-2", "phi-2", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "jina-v1-en", "jina-v2-code",
             "roberta-bpe", "gigachat", "mpt", "olmo", "jais", "exaone4", "mellum", "trillion", "granite-docling":
            stages = [.gpt2]
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "dbrx", "smaug-bpe", "lfm2", "midm-2.0":
            stages = [.llama3(digits: 3)]
        case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "hunyuan":
            stages = [.llama3(digits: 1)]
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            stages = [.isolate(Isolation(matches: { _, c in c.isNumber }, maxCount: 1)), .gpt2]
        case "deepseek-coder":
            stages = [
                .isolate(Isolation(matches: { s, _ in s == "\r" || s == "\n" }, maxCount: 1)),
                .isolate(Isolation(spacePrefix: true, matches: { _, c in c.isLetter })),
                .isolate(Isolation(spacePrefix: true, matches: { _, c in c.isPunctuation })),
                .isolate(Isolation { s, _ in
                    (0x4E00...0x9FA5).contains(s.value) || (0x0800...0x4E00).contains(s.value) || (0xAC00...0xD7FF).contains(s.value)
                }),
                .isolate(Isolation(matches: { _, c in c.isNumber }, maxCount: 1)),
            ]
        default:
            throw TokenizerError("unsupported pre-tokenizer '\(name)'")
        }
    }

    /// Splits `scalars` into word ranges.
    func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(CodepointClass.init)
        var pieces = scalars.isEmpty ? [] : [0..<scalars.count]
        for stage in stages {
            var next: [Range<Int>] = []
            next.reserveCapacity(pieces.count * 2)
            for piece in pieces {
                let scanner = Scanner(scalars: scalars, classes: classes, piece: piece)
                switch stage {
                case .gpt2: scanner.gpt2(into: &next)
                case .llama3(let digits): scanner.llama3(digits: digits, into: &next)
                case .isolate(let rule): scanner.isolate(rule, into: &next)
                }
            }
            pieces = next
        }
        return pieces
    }
}

/// Scans one piece; positions outside it read as "no code point".
private struct Scanner {
    let scalars: [Unicode.Scalar]
    let classes: [CodepointClass]
    let piece: Range<Int>

    func cls(_ i: Int) -> CodepointClass { piece.contains(i) ? classes[i] : .none }
    func cpt(_ i: Int) -> UInt32? { piece.contains(i) ? scalars[i].value : nil }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `i` (case-insensitive for llama3); returns the match length.
    func contraction(at i: Int, ignoreCase: Bool) -> Int {
        guard cpt(i) == 0x27, let a = cpt(i + 1) else { return 0 }
        func lower(_ c: UInt32?) -> UInt32? {
            guard let c else { return nil }
            return ignoreCase && (0x41...0x5A).contains(c) ? c + 32 : c
        }
        let n1 = lower(a)
        if n1 == 0x73 || n1 == 0x74 || n1 == 0x6D || n1 == 0x64 { return 2 }  // s t m d
        let n2 = lower(cpt(i + 2))
        if (n1 == 0x72 && n2 == 0x65) || (n1 == 0x76 && n2 == 0x65) || (n1 == 0x6C && n2 == 0x6C) { return 3 }  // re ve ll
        return 0
    }

    /// Counts whitespace from `i`; for `\s+(?!\S)` the run gives back its last space before a non-space.
    func whitespaceRun(at i: Int) -> (count: Int, lastNewlineEnd: Int?) {
        var n = 0
        var lastNewline: Int? = nil
        while cls(i + n).isWhitespace {
            if let c = cpt(i + n), c == 0x0D || c == 0x0A { lastNewline = i + n + 1 }
            n += 1
        }
        return (n, lastNewline)
    }

    func gpt2(into out: inout [Range<Int>]) {
        var pos = piece.lowerBound
        while pos < piece.upperBound {
            let start = pos
            let c = classes[pos]
            let contracted = contraction(at: pos, ignoreCase: false)
            if contracted > 0 {
                pos += contracted
            } else {
                let spaced = scalars[pos] == " "
                let first = spaced ? cls(pos + 1) : c
                if first.isLetter || first.isNumber || first.isOther {
                    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: one run of the first class.
                    let same: (CodepointClass) -> Bool = first.isLetter ? { $0.isLetter } : first.isNumber ? { $0.isNumber } : { $0.isOther }
                    pos += spaced ? 1 : 0
                    while same(cls(pos)) { pos += 1 }
                } else {
                    let ws = whitespaceRun(at: pos).count
                    if ws > 1 && cpt(pos + ws) != nil {
                        pos += ws - 1          // \s+(?!\S)
                    } else if ws > 0 {
                        pos += ws              // \s+
                    } else {
                        pos += 1               // no rule matched: one code point alone
                    }
                }
            }
            out.append(start..<pos)
        }
    }

    func llama3(digits: Int, into out: inout [Range<Int>]) {
        var pos = piece.lowerBound
        while pos < piece.upperBound {
            let start = pos
            let c = classes[pos]
            let value = scalars[pos].value
            let contracted = contraction(at: pos, ignoreCase: true)
            if contracted > 0 {
                pos += contracted
                out.append(start..<pos)
                continue
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(value == 0x0D || value == 0x0A || c.isNumber), c.isLetter || cls(pos + 1).isLetter {
                pos += 1
                while cls(pos).isLetter { pos += 1 }
                out.append(start..<pos)
                continue
            }
            // \p{N}{1,digits}
            if c.isNumber {
                var groupStart = pos
                while cls(pos).isNumber {
                    pos += 1
                    if pos - groupStart >= digits {
                        out.append(groupStart..<pos)
                        groupStart = pos
                    }
                }
                if pos > groupStart { out.append(groupStart..<pos) }
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let first = value == 0x20 ? cls(pos + 1) : c
            if first.isOther {
                pos += value == 0x20 ? 1 : 0
                while cls(pos).isOther { pos += 1 }
                while let n = cpt(pos), n == 0x0D || n == 0x0A { pos += 1 }
                out.append(start..<pos)
                continue
            }
            let (ws, newlineEnd) = whitespaceRun(at: pos)
            if let newlineEnd {
                pos = newlineEnd                   // \s*[\r\n]+
            } else if ws > 1 && cpt(pos + ws) != nil {
                pos += ws - 1                      // \s+(?!\S)
            } else if ws > 0 {
                pos += ws                          // \s+
            } else {
                pos += 1
            }
            out.append(start..<pos)
        }
    }

    /// Regex-iterator splitting: every match and every non-empty gap between matches is a piece.
    func isolate(_ rule: PreTokenizer.Isolation, into out: inout [Range<Int>]) {
        var gapStart = piece.lowerBound
        var pos = piece.lowerBound
        func run(from i: Int) -> Int {
            var n = 0
            while n < rule.maxCount, piece.contains(i + n), rule.matches(scalars[i + n], classes[i + n]) { n += 1 }
            return n >= rule.minCount ? n : 0
        }
        while pos < piece.upperBound {
            var length = 0
            if rule.spacePrefix, classes[pos].isWhitespace {
                let n = run(from: pos + 1)
                if n > 0 { length = n + 1 }
            }
            if length == 0 { length = run(from: pos) }
            if length == 0 { pos += 1; continue }
            if pos > gapStart { out.append(gapStart..<pos) }
            out.append(pos..<(pos + length))
            pos += length
            gapStart = pos
        }
        if piece.upperBound > gapStart { out.append(gapStart..<piece.upperBound) }
    }
}
