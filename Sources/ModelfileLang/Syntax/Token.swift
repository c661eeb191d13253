/// How an argument was quoted in the source.
public enum Quoting: String, Sendable, Hashable {
    /// Unquoted: the trimmed rest of the line.
    case none
    /// `"..."` (may span lines; ends at the first line whose text ends with `"`).
    case double
    /// `"""..."""`.
    case triple
}

/// What kind of token the lexer produced.
public enum TokenKind: String, Sendable, Hashable {
    /// An instruction word (any case; validity is checked by the parser).
    case keyword
    /// The name after `PARAMETER`.
    case parameterName
    /// The role after `MESSAGE`.
    case role
    /// An instruction's value; `Token.text` holds it as Ollama stores it (unquoted).
    case argument
    /// A `#` comment line; `Token.text` is the raw text from `#` to the end of the line.
    case comment
    /// One editor line break (LF, CR or CRLF) outside an argument.
    case newline
    /// Input the language does not allow; `Token.error` says why.
    case error
    case endOfFile
}

/// A lexical error, carried by an `.error` token.
public enum LexError: Sendable, Hashable {
    /// A character that cannot be part of an instruction word (`FROM:x`, `1FROM`).
    case invalidCharacterInInstruction(word: String)
    /// An instruction word, parameter name or role followed by a line break or the end of the file.
    case missingValue(after: String)
    /// A character that cannot be part of a parameter name or MESSAGE role (`top-k`).
    case invalidCharacterInName(name: String, isRole: Bool, character: String)
    /// A quote that is never closed; the range of the error token is the opening quote.
    case unterminatedQuote(opener: String)
    /// Text after a closing quote on the same line, so the value never ends.
    case textAfterClosingQuote(opener: String)
}

/// One token with its byte range in the decoded source.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange
    /// Keyword, name or role as read (invisible characters dropped); the argument's value; the comment text.
    public var text: String
    /// For arguments: how the value was quoted.
    public var quoting: Quoting = .none
    public var error: LexError? = nil
}
