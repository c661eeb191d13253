/// Mapping template positions back to the Modelfile.
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
}
