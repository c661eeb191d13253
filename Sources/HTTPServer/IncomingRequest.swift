/// One parsed HTTP/1.1 request with its whole body.
package struct IncomingRequest: Sendable {
    package var method: String
    /// The path without the query, percent-decoding not applied.
    package var path: String
    /// The text after `?`, or "".
    package var query: String
    package var version: String
    /// Header fields in arrival order; names as sent.
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    /// The peer's address, for the log.
    package var remote: String

    package init(method: String, path: String, query: String = "", version: String = "HTTP/1.1",
                 headers: [(name: String, value: String)] = [], body: [UInt8] = [], remote: String = "") {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remote = remote
    }

    /// The value of the first header named `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Whether the connection stays open after the response (HTTP/1.1 default, `Connection: close`
    /// ends it; HTTP/1.0 needs `Connection: keep-alive`).
    package var keepAlive: Bool {
        let connection = header("Connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}
