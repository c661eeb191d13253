import Foundation

/// Writes one response: either whole (`send`, with Content-Length) or streamed in chunks
/// (`startStream`, `write`, `finish`). Handlers poll `isCancelled` while producing a stream; it turns
/// true when the client went away or the server is shutting down.
package final class HTTPResponseWriter: @unchecked Sendable {
    let connection: SocketConnection
    let request: IncomingRequest
    let server: HTTPServer?
    /// Header fields added to every response (CORS and the like), set by the handler before writing.
    package var extraHeaders: [(String, String)] = []
    /// Tokens generated for this request, for the log line.
    package var tokens: Int?
    private(set) var status = 0
    private(set) var streaming = false
    private(set) var finished = false
    /// A write failed: the client is gone.
    private(set) var broken = false
    /// Whether the connection may serve another request after this response.
    var keepAlive: Bool

    init(connection: SocketConnection, request: IncomingRequest, server: HTTPServer?) {
        self.connection = connection
        self.request = request
        self.server = server
        self.keepAlive = request.keepAlive
    }

    /// True when the client disconnected or the server is shutting down: stop producing.
    package var isCancelled: Bool {
        broken || (server?.isShuttingDown ?? false) || connection.isPeerGone
    }

    /// Sends a whole response with a Content-Length body.
    package func send(status: Int, contentType: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []) {
        guard !finished, !streaming else { return }
        self.status = status
        var fields = headers + extraHeaders
        if let contentType { fields.append(("Content-Type", contentType)) }
        fields.append(("Content-Length", String(body.count)))
        var bytes = head(status: status, fields: fields)
        if request.method != "HEAD" { bytes += body }
        if !connection.write(bytes) { broken = true }
        finished = true
    }

    /// Starts a chunked response (headers now, body in `write` calls).
    package func startStream(status: Int = 200, contentType: String, headers: [(String, String)] = []) {
        guard !finished, !streaming else { return }
        self.status = status
        streaming = true
        let fields = headers + extraHeaders + [("Content-Type", contentType), ("Transfer-Encoding", "chunked"),
                                               ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")]
        if !connection.write(head(status: status, fields: fields)) { broken = true }
    }

    /// Sends one chunk; false when the client is gone.
    @discardableResult
    package func write(_ bytes: [UInt8]) -> Bool {
        guard streaming, !finished, !broken, !bytes.isEmpty else { return !broken }
        let chunk = Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10]
        if !connection.write(chunk) { broken = true }
        return !broken
    }

    /// Ends a streamed response with the zero-length chunk.
    package func finish() {
        guard streaming, !finished else { return }
        finished = true
        if !broken, !connection.write(Array("0\r\n\r\n".utf8)) { broken = true }
    }

    func head(status: Int, fields: [(String, String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n"
        text += "Date: \(Self.httpDate())\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        if !keepAlive || (server?.isShuttingDown ?? false) { text += "Connection: close\r\n"; keepAlive = false }
        return Array((text + "\r\n").utf8)
    }

    /// Made once: building one per response is costly (DateFormatter is Sendable).
    static let dateFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }()

    static func httpDate() -> String { dateFormatter.string(from: Date()) }
}
