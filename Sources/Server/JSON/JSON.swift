import ModelfileLang
import Foundation

/// The server's JSON type: the project's one JSON value (ordered objects, typed numbers).
package typealias JSON = JSONValue

extension JSONValue {
    /// Compact JSON text, as Go's encoder writes it (no trailing newline).
    var bytes: [UInt8] {
        var b = goEncoded
        if b.last == UInt8(ascii: "\n") { b.removeLast() }
        return b
    }

    /// One NDJSON line.
    var line: [UInt8] { goEncoded }

    /// `.string` or `.null` for an absent value.
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// An object without the members whose value is nil (Go's `omitempty` for the caller to decide).
    static func members(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { k, v in v.map { (k, $0) } })
    }
}

/// Times in Ollama's JSON form (RFC 3339 with nanoseconds and the local offset, as Go's time.Time).
enum JSONTime {
    /// Made once: a formatter costs more to build than a token to generate. Foundation's formatters
    /// are Sendable.
    static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXXXX"
        return f
    }()

    static func string(_ date: Date) -> String { formatter.string(from: date) }
}

extension Duration {
    /// Nanoseconds, as Go's time.Duration encodes.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
