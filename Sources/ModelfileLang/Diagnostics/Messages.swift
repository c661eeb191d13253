/// Every diagnostic message, so call sites read `.unknownParameter("temprature", ...)`.
extension Diagnostic {
    static let commandList = "FROM, PARAMETER, TEMPLATE, SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, RENDERER, PARSER or DRAFT"

    static func didYouMean(_ s: String?) -> String? { s.map { "did you mean '\($0)'?" } }

    // MARK: Syntax

    static func invalidUTF8(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .invalidUTF8, message: "invalid UTF-8 byte; Ollama reads it as U+FFFD", range: range)
    }

    static func unknownInstruction(_ word: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .unknownInstruction, message: "unknown instruction '\(word)'", range: range,
                   help: didYouMean(suggestion), notes: [Note("expected one of \(commandList)")],
                   fixIts: suggestion.map { [FixIt(range: range, replacement: $0)] } ?? [])
    }

    static func malformedInstruction(_ word: String, validPrefix: String?, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .unknownInstruction, message: "unknown instruction '\(word)'", range: range,
                   help: validPrefix.map { "put a space after '\($0)'" },
                   notes: [Note("an instruction is a word of ASCII letters followed by a space or tab")])
    }

    static func missingValue(after word: String, what: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .missingValue, message: "expected \(what) after '\(word)', found end of line", range: range,
                   help: "add a space and a value")
    }

    static func invalidName(_ name: String, isRole: Bool, character: String, at range: SourceRange) -> Diagnostic {
        let what = isRole ? "MESSAGE role" : "parameter name"
        let allowed = isRole ? "letters" : "letters, digits and '_'"
        let shown = character.unicodeScalars.allSatisfy(\.properties.isWhitespace) || !character.unicodeScalars
            .allSatisfy({ Printable.isPrint($0.value) }) ? Diagnostic.scalarName(character) : "'\(character)'"
        return Diagnostic(code: .invalidName, message: "invalid character \(shown) in \(what) '\(name)'",
                          range: range, notes: [Note("a \(what) may contain only \(allowed)")])
    }

    static func invalidRole(_ role: String, at range: SourceRange) -> Diagnostic {
        let lower = role.lowercased()
        let fix = ["system", "user", "assistant"].contains(lower) ? lower : EditDistance.closest(to: role, in: ["system", "user", "assistant"])
        return Diagnostic(code: .invalidRole, message: "invalid MESSAGE role '\(role)'", range: range,
                          help: didYouMean(fix),
                          notes: [Note("the role must be exactly system, user or assistant (lower case)")],
                          fixIts: fix.map { [FixIt(range: range, replacement: $0)] } ?? [])
    }

    static func unterminatedQuote(_ opener: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .unterminatedQuote, message: "unterminated \(opener) quote", range: range,
                   help: "this quote is never closed",
                   notes: [Note("a quoted value ends at the first line whose text ends with \(opener)")])
    }

    static func textAfterClosingQuote(_ opener: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .textAfterClosingQuote, message: "text after the closing \(opener)", range: range,
                   help: "remove this text or put it inside the quotes",
                   notes: [Note("Ollama ends a quoted value only at a line that ends with \(opener); this one never ends")])
    }

    /// `U+00A0` for invisible characters.
    static func scalarName(_ s: String) -> String {
        s.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined(separator: " ")
    }
}
