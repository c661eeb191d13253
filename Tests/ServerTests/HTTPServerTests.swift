import Foundation
import HTTPServer
import Testing

/// The HTTP layer alone, with an echo handler: keep-alive, chunked streaming, limits and timeouts.
final class EchoServer: @unchecked Sendable {
    let server: HTTPServer
    let port: Int
    let thread: Thread
    let lines = LogLines()

    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.withLock { items.append(s) } }
        var all: [String] { lock.withLock { items } }
    }

    init(limits: HTTPLimits = HTTPLimits()) throws {
        let lines = self.lines
        server = HTTPServer(limits: limits, log: { lines.add($0) }) { request, writer in
            if request.path == "/stream" {
                writer.startStream(contentType: "application/x-ndjson")
                for i in 0..<3 { writer.write(Array("{\"i\":\(i)}\n".utf8)) }
                writer.tokens = 3
                writer.finish()
            } else if request.path == "/forever" {
                writer.startStream(contentType: "text/plain")
                var sent = 0
                while !writer.isCancelled && sent < 2000 { writer.write(Array("x\n".utf8)); sent += 1; usleep(5000) }
                writer.tokens = sent
                writer.finish()
            } else {
                writer.send(status: 200, contentType: "text/plain", body: Array("\(request.method) \(request.path) \(request.body.count)".utf8))
            }
        }
        port = try server.bind(host: "127.0.0.1", port: 0)
        let s = server
        thread = Thread { s.run(drain: .seconds(5)) }
        thread.start()
    }

    deinit { server.shutdown() }
}

@Suite struct HTTPServerTests {
    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let echo = try EchoServer()
        let c = try RawHTTP(port: echo.port)
        c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        let text = c.read { $0.components(separatedBy: "HTTP/1.1 200").count == 3 && $0.hasSuffix("POST /b 5") }
        #expect(text.contains("GET /a 0"), "\(text)")
        #expect(text.hasSuffix("POST /b 5"), "\(text)")
        #expect(!text.lowercased().contains("connection: close"))
    }

    @Test func streamsChunkedAndLogsOneLinePerRequest() throws {
        let echo = try EchoServer()
        let c = try RawHTTP(port: echo.port)
        c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = c.read(until: responseComplete)
        #expect(text.lowercased().contains("transfer-encoding: chunked"))
        #expect(text.contains("8\r\n{\"i\":0}\n\r\n") && text.hasSuffix("0\r\n\r\n"), "\(text)")
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && echo.lines.all.isEmpty { usleep(20_000) }
        #expect(echo.lines.all.contains { $0.hasPrefix("GET /stream 200 ") && $0.contains(" 3 tokens") }, "\(echo.lines.all)")
    }

    @Test func chunkedRequestBodyIsRead() throws {
        let echo = try EchoServer()
        let c = try RawHTTP(port: echo.port)
        c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n")
        let text = c.read(until: responseComplete)
        #expect(text.hasSuffix("POST /c 7"), "\(text)")
    }

    @Test func bodyOverTheLimitIs413AndClosed() throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1000
        let echo = try EchoServer(limits: limits)
        let c = try RawHTTP(port: echo.port)
        c.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n")
        let text = c.read(until: responseComplete)
        #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text)")
        #expect(c.closedByPeer(seconds: 5))
    }

    @Test func slowHeadersTimeOutWith408() throws {
        var limits = HTTPLimits()
        limits.headerTimeout = .milliseconds(500)
        let echo = try EchoServer(limits: limits)
        let c = try RawHTTP(port: echo.port)
        // A byte at a time, slower than the header deadline allows in total.
        for byte in "GET / HTTP/1.1\r\n".utf8.prefix(6) { c.send([byte]); usleep(150_000) }
        let text = c.read(seconds: 5, until: responseComplete)
        #expect(text.hasPrefix("HTTP/1.1 408 "), "\(text)")
    }

    @Test func malformedRequestLineIs400() throws {
        let echo = try EchoServer()
        let c = try RawHTTP(port: echo.port)
        c.send("NONSENSE\r\n\r\n")
        #expect(c.read(until: responseComplete).hasPrefix("HTTP/1.1 400 "))
    }

    @Test func disconnectCancelsAStream() throws {
        let echo = try EchoServer()
        do {
            let c = try RawHTTP(port: echo.port)
            c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = c.read(seconds: 5) { $0.contains("x\n") }
        }   // closed here
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !echo.lines.all.contains(where: { $0.hasPrefix("GET /forever") }) { usleep(50_000) }
        let line = echo.lines.all.first { $0.hasPrefix("GET /forever") } ?? ""
        let sent = Int(line.split(separator: " ").dropLast(2).last ?? "") ?? -1
        #expect(sent >= 0 && sent < 2000, "the stream ran on after the client left: \(line)")
    }

    @Test func shutdownEndsRunAndCancelsStreams() throws {
        let echo = try EchoServer()
        let c = try RawHTTP(port: echo.port)
        c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = c.read(seconds: 5) { $0.contains("x\n") }
        echo.server.shutdown()
        let text = c.read(seconds: 10, until: { $0.hasSuffix("0\r\n\r\n") })
        #expect(text.hasSuffix("0\r\n\r\n"), "stream not finished cleanly")
        #expect(c.closedByPeer(seconds: 5))
    }
}
