import Synchronization

/// A position in a source file: 1-based line and column, and the 0-based UTF-8 byte offset.
///
/// Lines are counted the way an editor shows them: LF, CR and CRLF each end one line.
/// (Ollama counts CR and LF separately; see `SourceFile.ollamaLine(at:)`.)
/// Columns count UTF-8 bytes from the start of the line, so editors can jump to them.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}

/// A half-open range of UTF-8 byte offsets into a `SourceFile`'s decoded text.
public struct SourceRange: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// An empty range at one offset (a caret with nothing under it).
    public static func at(_ offset: Int) -> SourceRange { SourceRange(start: offset, end: offset) }

    public var count: Int { end - start }
}

/// A cache of line start offsets, shared by copies of one `SourceFile`.
final class LineTable: Sendable {
    struct Lines: Sendable {
        /// Offset of the first byte of each editor line.
        var starts: [Int]
        /// CR and LF bytes before each line start (Ollama's line counter, less one).
        var breaksBefore: [Int]
    }

    let cache = Mutex<Lines?>(nil)

    func lines(of bytes: [UInt8]) -> Lines {
        cache.withLock { cached in
            if let cached { return cached }
            let lines = SourceFile.lines(of: bytes)
            cached = lines
            return lines
        }
    }
}

/// How the bytes of a Modelfile were encoded before decoding to UTF-8.
public enum SourceEncoding: String, Sendable {
    case utf8, utf8BOM = "utf8-bom", utf16LE = "utf16le", utf16BE = "utf16be"
}

/// A decoded Modelfile: UTF-8 text, its path for messages, and a line table.
///
/// Decoding follows Ollama (`unicode.BOMOverride(UTF8)`): a UTF-8 BOM is dropped, a UTF-16 BOM
/// (`FF FE` or `FE FF`) selects UTF-16, and every byte that is not part of valid UTF-8 becomes
/// one U+FFFD, as Go's decoder does. All offsets refer to the decoded UTF-8 text.
public struct SourceFile: Sendable {
    /// The path shown in diagnostics (`<stdin>` for standard input).
    public let path: String
    /// The decoded text as UTF-8 bytes.
    public let bytes: [UInt8]
    public let encoding: SourceEncoding
    /// Ranges (in the decoded text) of U+FFFD characters that replaced invalid input bytes.
    public let invalidEncodingRanges: [SourceRange]
    /// Offset of the first byte of each editor line, computed when first needed (only
    /// diagnostics need it, and large clean files should not pay for it).
    let lineTable: LineTable
    var lineStarts: [Int] { lineTable.lines(of: bytes).starts }

    /// Decodes raw file bytes.
    /// - Parameters:
    ///   - path: the name shown in diagnostics.
    ///   - data: the file's bytes as read from disk.
    public init(path: String, data: [UInt8]) {
        let decoded = SourceDecoder.decode(data)
        self.path = path
        self.bytes = decoded.bytes
        self.encoding = decoded.encoding
        self.invalidEncodingRanges = decoded.invalid
        self.lineTable = LineTable()
    }

    /// Wraps text that is already a Swift string (always valid UTF-8).
    public init(path: String, text: String) {
        self.init(path: path, data: Array(text.utf8))
    }

    /// The decoded text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The source text of a range.
    public func text(in range: SourceRange) -> String {
        let lo = min(max(0, range.start), bytes.count), hi = min(max(lo, range.end), bytes.count)
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    static func lines(of bytes: [UInt8]) -> LineTable.Lines {
        var lines = LineTable.Lines(starts: [0], breaksBefore: [0])
        var i = 0, breaks = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                breaks += 1
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1; breaks += 1 }
                lines.starts.append(i + 1)
                lines.breaksBefore.append(breaks)
            }
            i += 1
        }
        return lines
    }

    /// The editor line and byte column of an offset (clamped to the text).
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(line: lo + 1, column: offset - lineStarts[lo] + 1, offset: offset)
    }

    /// Number of editor lines (a final line break does not start a counted empty line).
    public var lineCount: Int {
        if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 { return lineStarts.count - 1 }
        return lineStarts.count
    }

    /// The byte range of editor line `line` (1-based) without its line break.
    public func lineRange(_ line: Int) -> SourceRange {
        guard line >= 1, line <= lineStarts.count else { return .at(bytes.count) }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return SourceRange(start: start, end: end)
    }

    /// The line number Ollama's parser would report for an error at `offset`: it counts every
    /// CR and every LF, and counts the character being read before reporting.
    public func ollamaLine(at offset: Int) -> Int {
        let lines = lineTable.lines(of: bytes)
        let offset = min(max(0, offset), bytes.count)
        let line = location(of: offset).line
        var count = 1 + lines.breaksBefore[line - 1]
        // Breaks on this line itself come only at its end: the one at `offset`, and a CR just
        // before it when `offset` is the LF of a CRLF.
        if offset < bytes.count, bytes[offset] == 0x0A || bytes[offset] == 0x0D { count += 1 }
        if offset > lines.starts[line - 1], offset < bytes.count, bytes[offset] == 0x0A, bytes[offset - 1] == 0x0D { count += 1 }
        return count
    }
}
