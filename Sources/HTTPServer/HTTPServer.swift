#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why the server could not start.
package struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    package let description: String
    init(_ description: String) { self.description = description }
}

/// A small threaded HTTP/1.1 server: one thread per connection, keep-alive, chunked streaming,
/// request limits and timeouts. The handler runs on the connection's thread and must answer through
/// the writer (a handler that writes nothing gets a 500).
package final class HTTPServer: @unchecked Sendable {
    package typealias Handler = @Sendable (IncomingRequest, HTTPResponseWriter) -> Void

    let limits: HTTPLimits
    let handler: Handler
    let log: @Sendable (String) -> Void
    /// Connections served at once; more wait in the listen backlog.
    let maxConnections: Int
    private var listener: Int32 = -1
    private let state = NSCondition()
    private var shuttingDown = false
    private var active = 0

    package init(limits: HTTPLimits = HTTPLimits(), maxConnections: Int = 256,
                 log: @escaping @Sendable (String) -> Void, handler: @escaping Handler) {
        self.limits = limits
        self.maxConnections = maxConnections
        self.log = log
        self.handler = handler
    }

    package var isShuttingDown: Bool {
        state.lock(); defer { state.unlock() }
        return shuttingDown
    }

    /// Binds `host:port` (an IPv4 or IPv6 literal, or a name such as localhost); port 0 picks a free one.
    /// - Returns: the bound port.
    /// - Throws: `HTTPServerError` when the address cannot be resolved or bound.
    package func bind(host: String, port: Int) throws(HTTPServerError) -> Int {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw HTTPServerError("cannot resolve host '\(host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let a = info {
            info = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) != 0 || listen(fd, 128) != 0 {
                lastError = String(cString: strerror(errno))
                _ = Glibc.close(fd)
                continue
            }
            listener = fd
            return Self.localPort(fd)
        }
        throw HTTPServerError("cannot listen on \(host):\(port): \(lastError)")
    }

    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { p in
            if family == sa_family_t(AF_INET6) {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Accepts connections until `shutdown()`, then waits up to `drain` for open requests to end.
    package func run(drain: Duration = .seconds(10)) {
        while !isShuttingDown {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 250) <= 0 { continue }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
            }
            if fd < 0 { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            state.lock()
            while active >= maxConnections && !shuttingDown { _ = state.wait(until: Date().addingTimeInterval(0.25)) }
            active += 1
            state.unlock()
            let connection = SocketConnection(fd: fd, remote: Self.describe(storage))
            connection.setSendTimeout(seconds: limits.sendTimeoutSeconds)
            let thread = Thread { [self] in
                serve(connection)
                state.lock(); active -= 1; state.broadcast(); state.unlock()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        _ = Glibc.close(listener)
        let until = Date().addingTimeInterval(Double(drain.components.seconds))
        state.lock()
        while active > 0 && Date() < until { _ = state.wait(until: until) }
        state.unlock()
    }

    /// Stops accepting; open streams see `isCancelled` and idle connections close.
    package func shutdown() {
        state.lock(); shuttingDown = true; state.broadcast(); state.unlock()
    }

    /// Serves requests on one connection until it closes, errs or stops keeping alive.
    func serve(_ connection: SocketConnection) {
        defer { connection.close() }
        let reader = HTTPRequestReader(connection: connection, limits: limits, shuttingDown: { [self] in isShuttingDown })
        while true {
            let request: IncomingRequest
            let start = ContinuousClock.now
            do {
                guard let r = try reader.next() else { return }
                request = r
            } catch {
                let placeholder = IncomingRequest(method: "-", path: "-", remote: connection.remote)
                let writer = HTTPResponseWriter(connection: connection, request: placeholder, server: self)
                writer.keepAlive = false
                let body = Array("{\"error\":\"\(error.message)\"}".utf8)
                writer.send(status: error.status, contentType: "application/json; charset=utf-8", body: body)
                logLine(placeholder, status: error.status, start: start, tokens: nil)
                return
            }
            let writer = HTTPResponseWriter(connection: connection, request: request, server: self)
            handler(request, writer)
            if writer.streaming { writer.finish() }
            if writer.status == 0 {
                writer.send(status: 500, contentType: "application/json; charset=utf-8", body: Array("{\"error\":\"no response\"}".utf8))
            }
            logLine(request, status: writer.status, start: start, tokens: writer.tokens)
            if !writer.keepAlive || writer.broken || isShuttingDown { return }
        }
    }

    func logLine(_ request: IncomingRequest, status: Int, start: ContinuousClock.Instant, tokens: Int?) {
        let d = ContinuousClock.now - start
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        let duration = ms >= 1000 ? String(format: "%.3fs", ms / 1000) : String(format: "%.3fms", ms)
        var line = "\(request.method) \(request.path) \(status) \(duration)"
        if let tokens { line += " \(tokens) tokens" }
        if !request.remote.isEmpty { line += " \(request.remote)" }
        log(line)
    }

    /// "address:port" of a peer.
    static func describe(_ storage: sockaddr_storage) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        var copy = storage
        let rc = withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, socklen_t(MemoryLayout<sockaddr_storage>.size), &host, socklen_t(host.count), &service,
                            socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard rc == 0 else { return "" }
        func text(_ c: [CChar]) -> String { String(decoding: c.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return text(host) + ":" + text(service)
    }
}
