/// Lint: the TEMPLATE itself: Go syntax errors (MF3001) and undefined functions (MF3003) that
/// make `ollama create` fail, fields Ollama's data does not have or never sets (MF3002), and a
/// `.Response` inside an if/else that crashes Ollama's legacy rendering (MF3004).
/// Fix: correct the template; `mfc template --modelfile` shows what it renders.
enum TemplateDiagnostics: LintRule {
    fileprivate static func syntax(_ reason: String, _ range: SourceRange) -> Diagnostic {
        Diagnostic(code: .templateSyntaxError, message: "TEMPLATE does not parse: \(reason)", range: range,
                   help: "Ollama rejects this file with 'template error'")
    }

    fileprivate static func undefinedFunction(_ name: String, _ range: SourceRange) -> Diagnostic {
        Diagnostic(code: .undefinedTemplateFunction, message: "TEMPLATE calls undefined function '\(name)'", range: range,
                   help: "templates have Go's builtins and Ollama's json, currentDate, yesterdayDate, toTypeScriptType")
    }

    fileprivate static func field(_ message: String, _ range: SourceRange) -> Diagnostic {
        Diagnostic(code: .unknownTemplateField, message: message, range: range)
    }

    fileprivate static func responseCut(_ range: SourceRange) -> Diagnostic {
        Diagnostic(code: .templateResponseInElse, message: "'.Response' sits in an {{if}} that has an {{else}}", range: range,
                   help: "Ollama's legacy rendering cuts the template after .Response and crashes on the else branch")
    }

    static func check(_ context: LintContext) -> [Diagnostic] {
        guard let instruction = context.instructions.last(where: { $0.keyword == .template }),
              let parsed = context.parsedTemplate else { return [] }
        let map = SourceMap(instruction: instruction, source: context.modelfile.source.bytes)
        let template: PromptTemplate
        do {
            template = try parsed.get()
        } catch {
            let range = map.lineRange(error.line, in: instruction.value)
            if error.reason.hasPrefix("function \""), error.reason.hasSuffix("\" not defined") {
                let name = String(error.reason.dropFirst("function \"".count).dropLast("\" not defined".count))
                return [undefinedFunction(name, range)]
            }
            return [syntax(error.reason, range)]
        }
        var out = TemplateDataCheck.check(template).map { field($0.message, map.range($0.start, $0.length)) }
        if !template.vars.contains("messages") {
            var cutter = ResponseCutter()
            if (try? cutter.cut(template.template.trees[""] ?? [])) == nil {
                out.append(responseCut(map.range(0, 0)))
            }
        }
        return out
    }
}

/// Maps byte offsets in an instruction's value back to the Modelfile (exact when the value is
/// the source text after its opening quotes; otherwise everything points at the value).
struct SourceMap {
    let start: Int
    let exact: Bool
    let fallback: SourceRange

    init(instruction: Instruction, source: [UInt8]) {
        let quote = instruction.quoting == .triple ? 3 : (instruction.quoting == .double ? 1 : 0)
        let s = instruction.valueRange.start + quote
        let v = Array(instruction.value.utf8)
        exact = s >= 0 && s + v.count <= source.count && Array(source[s..<(s + v.count)]) == v
        start = s
        fallback = instruction.valueRange
    }

    func range(_ offset: Int, _ length: Int) -> SourceRange {
        exact ? SourceRange(start: start + offset, end: start + offset + length) : fallback
    }

    /// The range of 1-based template line `line` (Go's parse errors give only a line).
    func lineRange(_ line: Int, in text: String) -> SourceRange {
        let bytes = Array(text.utf8)
        var offset = 0, current = 1
        while current < line, offset < bytes.count {
            if bytes[offset] == 0x0A { current += 1 }
            offset += 1
        }
        var end = offset
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return range(offset, end - offset)
    }
}
