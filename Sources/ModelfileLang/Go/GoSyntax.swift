/// Go's syntax checks for Modelfile values: `x/mod/semver`, and the parameter parsers (which are `GoStrconv`'s).
enum GoSyntax {
    /// `strconv.ParseInt(s, 10, 64)`: an optional sign, decimal digits, no underscores, in Int64 range.
    static func parseInt(_ s: String) -> Int64? { GoStrconv.parseInt(s, base: 10) }

    /// `strconv.ParseBool`.
    static func parseBool(_ s: String) -> Bool? { GoStrconv.parseBool(s) }

    /// `strconv.ParseFloat(s, 32)`.
    static func parseFloat32(_ s: String) -> Float? { GoStrconv.parseFloat(s, bits: 32).map(Float.init) }

    /// `semver.IsValid` from `golang.org/x/mod`: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`, no leading zeros.
    static func isValidSemver(_ v: String) -> Bool {
        guard v.hasPrefix("v") else { return false }
        var rest = Substring(v.dropFirst())
        func number() -> Bool {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits == "0" || digits.first != "0" else { return false }
            rest = rest.dropFirst(digits.count)
            return true
        }
        for part in 0..<3 {
            if part > 0 {
                if rest.isEmpty { return true }   // v1 and v1.2 are valid shorthands
                guard rest.first == "." else { return false }
                rest.removeFirst()
            }
            guard number() else { return false }
        }
        if rest.first == "-" {
            rest.removeFirst()
            let pre = rest.prefix { $0 != "+" }
            rest = rest.dropFirst(pre.count)
            guard identifiers(pre, numericNoLeadingZero: true) else { return false }
        }
        if rest.first == "+" {
            rest.removeFirst()
            guard identifiers(rest, numericNoLeadingZero: false) else { return false }
            rest = ""
        }
        return rest.isEmpty
    }

    static func identifiers(_ s: Substring, numericNoLeadingZero: Bool) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        for p in parts {
            guard !p.isEmpty, p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
            if numericNoLeadingZero, p.allSatisfy(\.isNumber), p.count > 1, p.first == "0" { return false }
        }
        return true
    }
}
