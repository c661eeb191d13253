/// Every diagnostic message, so call sites read `.unknownParameter("temprature", ...)`.
extension Diagnostic {
    static let commandList = "FROM, PARAMETER, TEMPLATE, SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, RENDERER, PARSER or DRAFT"

    static func didYouMean(_ s: String?) -> String? { s.map { "did you mean '\($0)'?" } }

    // MARK: Syntax

    static func invalidUTF8(at range: SourceRange) -> Diagnostic {
        let count = range.count / 3
        return Diagnostic(code: .invalidUTF8, message: count == 1 ? "invalid UTF-8 byte; Ollama reads it as U+FFFD"
                            : "\(count) invalid UTF-8 bytes; Ollama reads each as U+FFFD", range: range,
                          help: "save the file as UTF-8")
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
                          range: range, help: "not allowed in a \(what)",
                          notes: [Note("a \(what) may contain only \(allowed)")])
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

/// Checker messages.
extension Diagnostic {
    static func missingFrom(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .missingFrom, message: "no FROM instruction", range: range,
                   help: "add 'FROM <model name or path>'",
                   notes: [Note("every Modelfile needs at least one FROM (Ollama: \"no FROM line\")")])
    }

    static func emptyParameterName(at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .unknownParameter, message: "empty parameter name", range: range,
                   help: "two blanks after PARAMETER make the name empty",
                   notes: [Note("Ollama reads the rest of the line as the value and rejects the name ''")],
                   fixIts: [FixIt(range: range, replacement: "")])
    }

    static func unknownParameter(_ name: String, suggestion: String?, at range: SourceRange) -> Diagnostic {
        var notes: [Note] = []
        if suggestion == nil, Parameters.table[name.lowercased()] != nil {
            notes.append(Note("parameter names are case-sensitive"))
        }
        let fix = suggestion ?? (Parameters.table[name.lowercased()] != nil ? name.lowercased() : nil)
        return Diagnostic(code: .unknownParameter, message: "unknown parameter '\(name)'", range: range,
                          help: didYouMean(fix), notes: notes,
                          fixIts: fix.map { [FixIt(range: range, replacement: $0)] } ?? [])
    }

    static func invalidParameterValue(_ value: String, error: ParameterError, type: ParameterType, at range: SourceRange) -> Diagnostic {
        let example = type == .int ? "a whole number such as 4096" : type == .float ? "a number such as 0.7" : "true or false"
        if error.kind == .notFinite {
            return Diagnostic(code: .invalidParameterValue, message: "parameter '\(error.name)' cannot be \(value)", range: range,
                              help: "expected \(example)",
                              notes: [Note("Go parses '\(value)' as a float, but Ollama cannot write it into the model (json: unsupported value)")])
        }
        return Diagnostic(code: .invalidParameterValue, message: "invalid \(type.rawValue) value '\(value)' for parameter '\(error.name)'",
                          range: range, help: "expected \(example)",
                          notes: [Note("Ollama: invalid \(type.rawValue) value [\(value)]")])
    }

    static func parameterOutOfRange(_ value: String, name: String, spec: ParameterSpec, at range: SourceRange) -> Diagnostic {
        func show(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }
        let bounds = switch (spec.minimum, spec.maximum) {
        case let (lo?, hi?): "between \(show(lo)) and \(show(hi))"
        case let (lo?, nil): "at least \(show(lo))"
        case let (nil, hi?): "at most \(show(hi))"
        default: "a number"
        }
        return Diagnostic(code: .parameterOutOfRange, message: "value \(value) for '\(name)' is out of range",
                          range: range, help: "expected \(bounds)", notes: [Note("\(name): \(spec.summary)")])
    }

    static func deprecatedParameter(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .deprecatedParameter, message: "parameter '\(name)' is deprecated", range: range,
                   help: "Ollama ignores it; remove this line")
    }

    static func invalidRequires(_ value: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .invalidRequires, message: "REQUIRES '\(value)' is not a valid version", range: range,
                   help: "expected a semantic version such as 0.14.0",
                   notes: [Note("Ollama: requires must be a valid semver (e.g. 0.14.0)")])
    }

    static func missingPath(_ keyword: Keyword, _ path: String, resolved: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .missingPath, message: "\(keyword.rawValue) path '\(path)' does not exist", range: range,
                   help: "no file or directory here", notes: [pathNote(path, resolved: resolved)])
    }

    /// Relative paths are explained, not resolved, so messages do not depend on the checkout.
    static func pathNote(_ path: String, resolved: String) -> Note {
        path.hasPrefix("/") || path.hasPrefix("~") ? Note("looked for \(resolved)")
            : Note("relative paths start at the Modelfile's directory")
    }

    static func unknownUser(_ keyword: Keyword, user: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .missingPath, message: "\(keyword.rawValue) path names unknown user '\(user)'", range: range)
    }

    static func fromPathNotFound(_ path: String, resolved: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .fromPathNotFound, message: "FROM path '\(path)' does not exist", range: range,
                   help: "Ollama will look for a model named '\(path)' instead",
                   notes: [pathNote(path, resolved: resolved)])
    }

    static func modelNotFound(_ name: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .modelNotFound, message: "no model named '\(name)' in the local store", range: range,
                   help: "build it first, or FROM a GGUF file or model folder",
                   notes: [Note("neither a file nor a folder exists at this path either")])
    }

    static func repeated(_ what: String, earlier: SourceRange, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .repeatedInstruction, message: "\(what) is set again; the earlier value is silently replaced",
                   range: range, notes: [Note("earlier \(what) is here", at: earlier)])
    }

    static func notPrintableBack(_ what: String, reason: String, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .notPrintableBack, message: "`ollama show --modelfile` cannot print this \(what) back",
                   range: range, help: reason)
    }

    static func draftSameAsFrom(_ path: String, from: SourceRange, at range: SourceRange) -> Diagnostic {
        Diagnostic(code: .draftSameAsFrom, message: "DRAFT must not reference the same local path as FROM",
                   range: range, notes: [Note("FROM '\(path)' is here", at: from)])
    }
}
