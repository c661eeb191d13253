/// A unified diff of two texts, line by line, for `mfc fmt --diff`.
enum LineDiff {
    enum Edit: Equatable { case same(String), removed(String), added(String) }

    /// Lines with their line breaks, so a change of line ending shows.
    static func lines(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in s {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" || ch == "\r" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Edits from `a` to `b`: common prefix and suffix, then a longest-common-subsequence table on
    /// the middle (replaced wholesale when the middle is too large for the table).
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let x = Array(a[prefix..<(a.count - suffix)]), y = Array(b[prefix..<(b.count - suffix)])
        var middle: [Edit] = []
        if x.count * y.count > 4_000_000 {
            middle = x.map(Edit.removed) + y.map(Edit.added)
        } else {
            // lcs[i][j]: length of the LCS of x[i...] and y[j...].
            var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
            for i in stride(from: x.count - 1, through: 0, by: -1) {
                for j in stride(from: y.count - 1, through: 0, by: -1) {
                    lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
            var i = 0, j = 0
            while i < x.count || j < y.count {
                if i < x.count, j < y.count, x[i] == y[j] { middle.append(.same(x[i])); i += 1; j += 1 }
                else if i < x.count, j == y.count || lcs[i + 1][j] >= lcs[i][j + 1] { middle.append(.removed(x[i])); i += 1 }
                else { middle.append(.added(y[j])); j += 1 }
            }
        }
        return a[..<prefix].map(Edit.same) + middle + a[(a.count - suffix)...].map(Edit.same)
    }

    /// `--- a/path`, `+++ b/path` and `@@` hunks with three lines of context; "" when equal.
    static func unified(_ old: String, _ new: String, path: String) -> String {
        let e = edits(lines(old), lines(new))
        guard e.contains(where: { if case .same = $0 { false } else { true } }) else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        let context = 3
        var k = 0
        while k < e.count {
            guard e[k] != .same(e[k].text) else { k += 1; continue }
            var start = max(0, k - context), end = k
            // Extend the hunk while changes are within 2*context lines of each other.
            var lastChange = k
            while end < e.count {
                if e[end] != .same(e[end].text) { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            end = min(e.count, lastChange + context + 1)
            var oldLine = 1, newLine = 1
            for m in 0..<start {
                if case .added = e[m] {} else { oldLine += 1 }
                if case .removed = e[m] {} else { newLine += 1 }
            }
            let slice = e[start..<end]
            let oldCount = slice.count { if case .added = $0 { false } else { true } }
            let newCount = slice.count { if case .removed = $0 { false } else { true } }
            out += "@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@\n"
            for edit in slice {
                switch edit {
                case .same(let l): out += " " + shown(l)
                case .removed(let l): out += "-" + shown(l)
                case .added(let l): out += "+" + shown(l)
                }
            }
            start = end
            k = end
        }
        return out
    }

    /// A diff line always ends in "\n"; a missing final newline is marked like diff(1) does.
    static func shown(_ line: String) -> String {
        line.hasSuffix("\n") || line.hasSuffix("\r") ? line : line + "\n\\ No newline at end of file\n"
    }
}

extension LineDiff.Edit {
    var text: String {
        switch self {
        case .same(let s), .removed(let s), .added(let s): s
        }
    }
}
