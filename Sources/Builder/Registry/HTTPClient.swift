import Foundation
import Synchronization

/// One HTTP request. Bodies are either small bytes held in memory (manifests, tokens) or a whole
/// file streamed from disk (blobs), never a blob loaded into memory.
package struct HTTPRequest: Sendable {
    package enum Body: Sendable {
        case none
        case bytes([UInt8])
        case file(String)
    }

    package var method: String
    package var url: URL
    package var headers: [(String, String)]
    package var body: Body

    package init(_ method: String, _ url: URL, headers: [(String, String)] = [], body: Body = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response: status, headers (names lower-cased) and, unless it was streamed to a sink, the body.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]
    /// The URL that answered (after redirects).
    package var url: URL

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
    package var isSuccess: Bool { (200..<300).contains(status) }
    package var bodyText: String { String(decoding: body.prefix(2000), as: UTF8.self) }
}

/// Receives a successful answer's body in order: the status (200 or 206 matters for ranges) and
/// each chunk.
package typealias BodySink = @Sendable (_ status: Int, _ chunk: Data) throws -> Void

/// A transport failure (no answer) or a refused body; registries' error answers are `HTTPResponse`s.
package struct HTTPError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A blocking HTTP client. `http://` goes over a plain socket (`PlainHTTPConnection`), where a
/// body streams with TCP flow control; `https://` goes through the HTTPS library (URLSession),
/// loaded on the first request that needs it so that commands which never use TLS do not pay for
/// loading libcurl (`HTTPSLibrary`). Either way the sink sees the body in order and no blob is
/// held in memory. Use one client per concurrent transfer.
package final class HTTPClient: Sendable {
    private let timeout: Double
    /// The client's HTTPS session, made on first use.
    private let tls = Mutex<HTTPSLibrary.Session?>(nil)

    /// - Parameter timeout: seconds a request may sit idle (no bytes either way) before it fails.
    package init(timeout: Double = 60) {
        self.timeout = timeout
    }

    /// Sends a request and waits for its answer.
    /// - Parameters:
    ///   - sink: receives the body of a 2xx answer in order, instead of it being collected; a
    ///     throwing sink cancels the transfer and its error is rethrown.
    ///   - sent: called with the body bytes sent so far (uploads).
    /// - Throws: `HTTPError` when no answer arrived (connection refused, timeout, sink failure).
    package func send(_ request: HTTPRequest, sink: BodySink? = nil,
                      sent: (@Sendable (Int64) -> Void)? = nil) throws(HTTPError) -> HTTPResponse {
        guard request.url.scheme == "http" else { return try sendOverTLS(request, sink: sink, sent: sent) }
        var current = request
        for _ in 0..<6 {
            let r = try PlainHTTPConnection.send(current, timeout: timeout, sink: sink, sent: sent)
            guard [301, 302, 303, 307, 308].contains(r.status), current.method == "GET" || current.method == "HEAD",
                  let location = r.header("Location"), let next = URL(string: location, relativeTo: current.url)?.absoluteURL
            else { return r }
            if next.host != current.url.host || next.port != current.url.port {
                current.headers.removeAll { $0.0.lowercased() == "authorization" }   // no credentials to another host
            }
            current.url = next
            if next.scheme != "http" { return try sendOverTLS(current, sink: sink, sent: sent) }
        }
        throw HTTPError("\(request.url.host ?? ""): too many redirects")
    }

    private func sendOverTLS(_ request: HTTPRequest, sink: BodySink?,
                             sent: (@Sendable (Int64) -> Void)?) throws(HTTPError) -> HTTPResponse {
        let session = try tls.withLock { (slot: inout HTTPSLibrary.Session?) throws(HTTPError) -> HTTPSLibrary.Session in
            if let slot { return slot }
            let made = try HTTPSLibrary.Session(timeout: timeout)
            slot = made
            return made
        }
        return try session.send(request, sink: sink, sent: sent)
    }
}
