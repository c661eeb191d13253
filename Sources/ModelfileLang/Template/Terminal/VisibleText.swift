/// Makes a rendered prompt readable on a terminal (`mfc template --show-special`): whitespace
/// becomes visible (`·` for a space at a line end, `→` for a tab, `↵` before each newline, `␍`
/// for a carriage return) and special tokens such as `<|im_start|>`, `<start_of_turn>`, `</s>`,
/// `[INST]` and `<<SYS>>` are highlighted (inverse video) or, without color, bracketed as `⟦…⟧`.
public enum VisibleText {
    public static func render(_ text: String, color: Bool) -> String {
        let open = color ? "\u{1B}[7m" : "⟦", close = color ? "\u{1B}[0m" : "⟧"
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if let n = specialTokenLength(chars, at: i) {
                out += open + String(chars[i..<(i + n)]) + close
                i += n
                continue
            }
            let c = chars[i]
            switch c {
            case "\n": out += "↵\n"
            case "\r\n": out += "␍↵\n"
            case "\r": out += "␍"
            case "\t": out += "→"
            case " ":
                let atLineEnd = i + 1 == chars.count || chars[i + 1] == "\n" || chars[i + 1] == "\r\n"
                out += atLineEnd ? "·" : " "
            default: out.append(c)
            }
            i += 1
        }
        return out
    }

    /// Length of a special-token-looking run at `i`: `<|...|>`, `<word>`/`</word>`, `<<SYS>>`, `[INST]`.
    static func specialTokenLength(_ c: [Character], at i: Int) -> Int? {
        let pairs: [(String, String)] = [("<|", "|>"), ("<<", ">>"), ("<", ">"), ("[", "]")]
        for (o, cl) in pairs {
            let oc = Array(o), cc = Array(cl)
            guard i + oc.count <= c.count, Array(c[i..<(i + oc.count)]) == oc else { continue }
            var j = i + oc.count
            while j < c.count, j - i <= 40, c[j] != "\n", c[j] != " " {
                if j + cc.count <= c.count, Array(c[j..<(j + cc.count)]) == cc {
                    let inner = c[(i + oc.count)..<j]
                    let word = inner.drop { $0 == "/" }
                    let ok = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "|" || $0 == "/" }
                    let bracketOK = o != "[" || word.allSatisfy { $0.isUppercase || $0 == "_" || $0 == "/" }
                    return ok && bracketOK ? j + cc.count - i : nil
                }
                j += 1
            }
        }
        return nil
    }
}
