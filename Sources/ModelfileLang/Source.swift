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
    let cache = Mutex<[Int]?>(nil)

    func starts(of bytes: [UInt8]) -> [Int] {
        cache.withLock { cached in
            if let cached { return cached }
            let starts = SourceFile.lineStarts(of: bytes)
            cached = starts
            return starts
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
    var lineStarts: [Int] { lineTable.starts(of: bytes) }

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

    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                starts.append(i + 1)
            } else if b == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        return starts
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
        var line = 1
        var i = 0
        let end = min(offset, bytes.count - 1)
        while i <= end {
            if bytes[i] == 0x0A || bytes[i] == 0x0D { line += 1 }
            i += 1
        }
        return line
    }
}
