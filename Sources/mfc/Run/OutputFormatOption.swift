import Foundation
import ModelfileLang
import Runtime

/// `--format json` or `--format @schema.json` (and `/set format ...` in a chat): the grammar answers must follow.
enum OutputFormatOption {
    /// - Throws: `UsageError` for a value that is neither, `FormatFileError` for a schema file that
    ///   cannot be read, parsed or used.
    static func grammar(_ value: String, currentDirectory: String) throws -> Grammar? {
        if value == "json" { return try OutputFormat.json.grammar() }
        guard value.hasPrefix("@"), value.count > 1 else {
            throw UsageError("format '\(value)' is not json or @FILE (a JSON schema)")
        }
        let path = String(value.dropFirst())
        let absolute = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else { throw FormatFileError("cannot read '\(path)'") }
        let bytes = Array(data)
        let schema: JSONValue
        do { schema = try JSONValue.parse(bytes) } catch {
            let before = bytes.prefix(min(error.offset, bytes.count))
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            throw FormatFileError("\(path):\(line):\(column): invalid JSON: \(error.message)")
        }
        do { return try OutputFormat.schema(schema).grammar() } catch { throw FormatFileError("\(path): \(error.message)") }
    }
}

/// A schema file for `--format` that cannot be used.
struct FormatFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
