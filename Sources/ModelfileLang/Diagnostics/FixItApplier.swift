/// Applies diagnostics' fix-its to a source, for `mfc lint --fix`.
public enum FixItApplier {
    /// The source text with every fix-it applied, in order; a fix that overlaps one already
    /// taken is skipped (the next run can apply it).
    /// - Parameters:
    ///   - diagnostics: diagnostics of `source`.
    ///   - source: the decoded file.
    /// - Returns: the new text and how many fixes were applied.
    public static func apply(_ diagnostics: [Diagnostic], to source: SourceFile) -> (text: String, applied: Int) {
        let fixes = diagnostics.flatMap(\.fixIts).sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
        var out: [UInt8] = []
        out.reserveCapacity(source.bytes.count)
        var position = 0, applied = 0
        for fix in fixes where fix.range.start >= position && fix.range.end <= source.bytes.count {
            out += source.bytes[position..<fix.range.start]
            out += Array(fix.replacement.utf8)
            position = fix.range.end
            applied += 1
        }
        out += source.bytes[position...]
        return (String(decoding: out, as: UTF8.self), applied)
    }
}
