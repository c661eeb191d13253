import Builder
import Foundation
import HTTPServer
import Testing
import TestSupport

/// The socket client behind `http://` registries and `mfc ps`/`stop` (Builder's `HTTPClient`),
/// against this package's own HTTP server: chunked bodies, a stream read while it is still being
/// written, a sink that stops it, and a refused connection.
@Suite struct PlainHTTPClientTests {
    static func url(_ echo: EchoServer, _ path: String) throws -> URL {
        try #require(URL(string: "http://127.0.0.1:\(echo.port)\(path)"))
    }

    @Test func readsAChunkedBodyWholeOrThroughASink() throws {
        let echo = try EchoServer()
        let whole = try HTTPClient(timeout: 10).send(HTTPRequest("GET", Self.url(echo, "/stream")))
        #expect(whole.status == 200 && whole.header("transfer-encoding") == "chunked")
        #expect(String(decoding: whole.body, as: UTF8.self) == #"{"i":0}"# + "\n" + #"{"i":1}"# + "\n" + #"{"i":2}"# + "\n")

        let pieces = Pieces()
        let streamed = try HTTPClient(timeout: 10).send(HTTPRequest("GET", Self.url(echo, "/stream"))) { status, chunk in
            pieces.add(status, [UInt8](chunk))
        }
        #expect(streamed.body.isEmpty, "a streamed body is not also collected")
        #expect(pieces.bytes == whole.body && pieces.statuses == [200])
    }

    @Test func sendsABodyWithItsLength() throws {
        let echo = try EchoServer()
        let r = try HTTPClient(timeout: 10).send(HTTPRequest("POST", Self.url(echo, "/b"), body: .bytes(Array("hello".utf8))))
        #expect(r.status == 200 && r.bodyText == "POST /b 5", "\(r.bodyText)")
    }

    /// The sink sees the stream while the server is still writing it (the server would write for 10 s),
    /// and a sink that throws ends the request with its error.
    @Test func aSinkReadsAStreamAsItComesAndCanStopIt() throws {
        let echo = try EchoServer()
        struct Enough: Error, CustomStringConvertible { var description: String { "enough" } }
        let pieces = Pieces()
        let start = ContinuousClock.now
        #expect(throws: HTTPError.self) {
            try HTTPClient(timeout: 10).send(HTTPRequest("GET", Self.url(echo, "/forever"))) { status, chunk in
                pieces.add(status, [UInt8](chunk))
                if pieces.bytes.count >= 20 { throw Enough() }
            }
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(pieces.bytes.count >= 20 && pieces.bytes.allSatisfy { $0 == UInt8(ascii: "x") || $0 == 10 })
    }

    @Test func aRefusedConnectionIsAnError() throws {
        let port = try LocalRegistry.freePort()   // bound, read and released: nothing listens there
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        do {
            _ = try HTTPClient(timeout: 5).send(HTTPRequest("GET", url))
            Issue.record("a request to a closed port succeeded")
        } catch {
            #expect(error.description.contains("cannot connect to 127.0.0.1:\(port)"), "\(error.description)")
        }
    }

    final class Pieces: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [UInt8] = []
        private var seen: [Int] = []
        func add(_ status: Int, _ bytes: [UInt8]) { lock.withLock { received += bytes; if seen.last != status { seen.append(status) } } }
        var bytes: [UInt8] { lock.withLock { received } }
        var statuses: [Int] { lock.withLock { seen } }
    }
}
