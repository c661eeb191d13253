import Foundation

/// Which browser origins may call the API (Ollama's OLLAMA_ORIGINS rules): localhost and loopback
/// addresses on any port and scheme http/https, the app schemes of desktop shells, plus the
/// comma-separated patterns of the environment variable (`*` matches any run of characters).
struct OriginPolicy: Sendable {
    let patterns: [String]

    init(extra: String?) {
        var list: [String] = []
        for host in ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"] {
            for scheme in ["http", "https"] { list += ["\(scheme)://\(host)", "\(scheme)://\(host):*"] }
        }
        list += ["app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"]
        let added = (extra ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        patterns = added + list
    }

    func allows(_ origin: String) -> Bool { patterns.contains { Self.matches(pattern: $0, origin) } }

    /// Glob match with `*` only.
    static func matches(pattern: String, _ text: String) -> Bool {
        if pattern == "*" { return true }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }

    /// Whether a Host header names this machine when the server listens on loopback (against DNS
    /// rebinding: a web page's own domain resolving to 127.0.0.1 is refused).
    static func isLocalHost(_ hostHeader: String) -> Bool {
        var host = hostHeader
        if host.hasPrefix("[") { host = String(host.dropFirst().prefix { $0 != "]" }) }
        else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 { host = String(host[..<colon]) }
        host = host.lowercased()
        if host.isEmpty || host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal") { return true }
        if host == ProcessInfo.processInfo.hostName.lowercased() { return true }
        // Any IP literal is fine: only names can be rebound.
        return host.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
    }
}
