/// A stable diagnostic code, printed as `MF` plus four digits. Codes are never reused.
///
/// Ranges: MF0xxx syntax, MF1xxx checker, MF2xxx lint, MF3xxx template, MF4xxx build and I/O.
/// Each code has `examples/errors/MFnnnn-<slug>.Modelfile` and its expected `.stderr`.
public struct DiagnosticCode: Sendable, Hashable, CustomStringConvertible {
    public let number: Int
    /// A short kebab-case name, used in example file names.
    public let slug: String
    public let defaultSeverity: Severity

    public init(_ number: Int, _ slug: String, _ severity: Severity) {
        self.number = number
        self.slug = slug
        self.defaultSeverity = severity
    }

    /// `MF1003`.
    public var description: String {
        let digits = String(number)
        return "MF" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: Syntax (MF0xxx): inputs Ollama's parser rejects, or decodes with loss.
    public static let invalidUTF8 = DiagnosticCode(1, "invalid-utf8", .warning)
    public static let unknownInstruction = DiagnosticCode(2, "unknown-instruction", .error)
    public static let unterminatedQuote = DiagnosticCode(3, "unterminated-quote", .error)
    public static let textAfterClosingQuote = DiagnosticCode(4, "text-after-closing-quote", .error)
    public static let missingValue = DiagnosticCode(5, "missing-value", .error)
    public static let invalidName = DiagnosticCode(6, "invalid-name", .error)
    public static let invalidRole = DiagnosticCode(7, "invalid-role", .error)

    // MARK: Checker (MF1xxx): rejected when Ollama builds the create request, or silently lossy.
    public static let missingFrom = DiagnosticCode(1001, "missing-from", .error)
    public static let unknownParameter = DiagnosticCode(1002, "unknown-parameter", .error)
    public static let invalidParameterValue = DiagnosticCode(1003, "invalid-parameter-value", .error)
    public static let parameterOutOfRange = DiagnosticCode(1004, "parameter-out-of-range", .warning)
    public static let deprecatedParameter = DiagnosticCode(1005, "deprecated-parameter", .warning)
    public static let invalidRequires = DiagnosticCode(1006, "invalid-requires", .error)
    public static let missingPath = DiagnosticCode(1007, "missing-path", .error)
    public static let fromPathNotFound = DiagnosticCode(1008, "from-path-not-found", .warning)
    public static let repeatedInstruction = DiagnosticCode(1009, "repeated-instruction", .warning)
    public static let notPrintableBack = DiagnosticCode(1010, "not-printable-back", .warning)
    public static let draftSameAsFrom = DiagnosticCode(1011, "draft-same-as-from", .error)
    public static let modelNotFound = DiagnosticCode(1012, "model-not-found", .error)

    // MARK: Lint (MF2xxx): accepted by Ollama but probably not what was meant.
    public static let systemNotRead = DiagnosticCode(2001, "system-not-read", .warning)
    public static let templateIgnoresInput = DiagnosticCode(2002, "template-ignores-input", .warning)
    public static let droppedCharacter = DiagnosticCode(2003, "dropped-character", .warning)
    public static let emptyValueKeepsBase = DiagnosticCode(2004, "empty-value-keeps-base", .warning)
    public static let mixedFrom = DiagnosticCode(2005, "mixed-from", .warning)
    public static let hashInValue = DiagnosticCode(2006, "hash-in-value", .warning)
    public static let unrecognisedChatTemplate = DiagnosticCode(2007, "unrecognised-chat-template", .warning)

    // MARK: Template (MF3xxx): the TEMPLATE as Go's text/template and Ollama's data see it.
    public static let templateSyntaxError = DiagnosticCode(3001, "template-syntax-error", .error)
    public static let unknownTemplateField = DiagnosticCode(3002, "unknown-template-field", .warning)
    public static let undefinedTemplateFunction = DiagnosticCode(3003, "undefined-template-function", .error)
    public static let templateResponseInElse = DiagnosticCode(3004, "template-response-in-else", .error)

    /// Every code this module defines, in order.
    public static let all: [DiagnosticCode] = [
        invalidUTF8, unknownInstruction, unterminatedQuote, textAfterClosingQuote, missingValue, invalidName,
        invalidRole,
        missingFrom, unknownParameter, invalidParameterValue, parameterOutOfRange, deprecatedParameter,
        invalidRequires, missingPath, fromPathNotFound, repeatedInstruction, notPrintableBack, draftSameAsFrom,
        modelNotFound,
        systemNotRead, templateIgnoresInput, droppedCharacter, emptyValueKeepsBase, mixedFrom, hashInValue,
        unrecognisedChatTemplate,
        templateSyntaxError, unknownTemplateField, undefinedTemplateFunction, templateResponseInElse,
    ]
}
