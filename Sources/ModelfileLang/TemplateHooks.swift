/// A problem the template engine found in a TEMPLATE value. Positions are UTF-8 byte offsets
/// into the value (as Ollama stores it); the checker maps them to the Modelfile's line and column.
public struct TemplateFinding: Sendable, Hashable {
    /// An MF3xxx code defined by the template engine.
    public var code: DiagnosticCode
    public var message: String
    public var valueOffset: Int
    public var length: Int
    public var help: String?

    public init(code: DiagnosticCode, message: String, valueOffset: Int, length: Int = 1, help: String? = nil) {
        self.code = code
        self.message = message
        self.valueOffset = valueOffset
        self.length = length
        self.help = help
    }
}

extension Modelfile {
    /// The source offset of byte `offset` of an instruction's value, skipping the opening quote
    /// and any invisible characters Ollama dropped from the value.
    /// - Parameters:
    ///   - offset: a UTF-8 byte offset into `instruction.value`.
    ///   - instruction: an instruction of this file.
    /// - Returns: an offset into `source.bytes`, clamped to the value's range.
    public func sourceOffset(ofValueOffset offset: Int, in instruction: Instruction) -> Int {
        let opener = instruction.quoting == .triple ? 3 : instruction.quoting == .double ? 1 : 0
        var source = instruction.valueRange.start + opener
        var remaining = max(0, offset)
        // First dropped character at or after the value's start (the list is sorted).
        var lo = 0, hi = droppedCharacters.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if droppedCharacters[mid].range.start < source { lo = mid + 1 } else { hi = mid }
        }
        var k = lo
        while k < droppedCharacters.count, droppedCharacters[k].range.start < instruction.valueRange.end {
            let gap = droppedCharacters[k].range.start - source
            if remaining < gap { break }
            remaining -= gap
            source = droppedCharacters[k].range.end
            k += 1
        }
        return min(source + remaining, instruction.valueRange.end)
    }

    /// Template findings for every non-empty TEMPLATE, as diagnostics in this file.
    func templateDiagnostics(_ checker: @Sendable (String) -> [TemplateFinding]) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for i in instructions where i.keyword == .template && !i.value.isEmpty {
            for f in checker(i.value) {
                let start = sourceOffset(ofValueOffset: f.valueOffset, in: i)
                let end = sourceOffset(ofValueOffset: f.valueOffset + max(0, f.length), in: i)
                found.append(Diagnostic(code: f.code, message: f.message, range: SourceRange(start: start, end: end), help: f.help))
            }
        }
        return found
    }
}
