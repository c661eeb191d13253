import Builder
import Foundation
import HTTPServer

/// Everything `mfc serve` is started with.
package struct ServeConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 11434
    package var storeRoot: String
    package var scheduler = SchedulerLimits()
    package var http = HTTPLimits()
    /// Blob uploads (POST /api/blobs/:digest) are held in memory up to this size.
    package var maxBlobBytes = 16 << 30
    /// Extra allowed browser origins (OLLAMA_ORIGINS syntax).
    package var origins: String?
    /// Reported by /api/version.
    package var version = "0.0.0"

    package init(storeRoot: String) { self.storeRoot = storeRoot }

    /// `HOST:PORT`, `HOST`, `:PORT`, `[V6]:PORT` or a URL (`http://host:port`), as OLLAMA_HOST takes it.
    /// - Throws: a message naming the bad text.
    package static func parseHost(_ text: String) throws(APIError) -> (host: String, port: Int) {
        var s = text.trimmingCharacters(in: .whitespaces)
        for scheme in ["http://", "https://"] where s.lowercased().hasPrefix(scheme) { s = String(s.dropFirst(scheme.count)) }
        if let slash = s.firstIndex(of: "/") { s = String(s[..<slash]) }
        var host = s, portText = ""
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { throw .badRequest("invalid host '\(text)'") }
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            if rest.hasPrefix(":") { portText = String(rest.dropFirst()) } else if !rest.isEmpty { throw .badRequest("invalid host '\(text)'") }
        } else if let colon = s.lastIndex(of: ":"), s.filter({ $0 == ":" }).count == 1 {
            host = String(s[..<colon]); portText = String(s[s.index(after: colon)...])
        }
        if host.isEmpty { host = "127.0.0.1" }
        var port = 11434
        if !portText.isEmpty {
            guard let p = Int(portText), (0...65535).contains(p) else { throw .badRequest("invalid port in '\(text)'") }
            port = p
        }
        return (host, port)
    }

    /// Whether `host` is a loopback address or name (then the Host header check applies).
    var isLoopback: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}
