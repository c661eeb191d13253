import Foundation

/// Limits and timeouts a request must stay within.
package struct HTTPLimits: Sendable {
    /// Request line plus header fields.
    package var maxHeaderBytes = 64 * 1024
    /// A body over this gets 413.
    package var maxBodyBytes = 64 * 1024 * 1024
    /// A larger limit for some requests (blob uploads), by method and path; nil keeps `maxBodyBytes`.
    package var bodyLimitOverride: (@Sendable (_ method: String, _ path: String) -> Int?)? = nil
    /// From the first byte of a request to the end of its headers.
    package var headerTimeout: Duration = .seconds(10)
    /// For the whole body once the headers are in.
    package var bodyTimeout: Duration = .seconds(60)
    /// How long a kept-alive connection may sit idle before the next request starts.
    package var idleTimeout: Duration = .seconds(30)
    /// A client that does not read a response for this long is dropped.
    package var sendTimeoutSeconds = 60

    package init() {}
}

/// A request the server answers with an error status and then closes the connection.
struct RequestRejection: Error {
    let status: Int
    let message: String
}

/// Reads one request off a connection: request line, headers, then a Content-Length or chunked body.
struct HTTPRequestReader {
    let connection: SocketConnection
    let limits: HTTPLimits
    /// True when the server is draining: an idle connection stops waiting for a next request.
    let shuttingDown: () -> Bool

    /// The next request, or nil when the connection closed (or idled out) between requests.
    /// - Throws: `RequestRejection` for a malformed, oversized or too slow request.
    func next() throws(RequestRejection) -> IncomingRequest? {
        let clock = ContinuousClock()
        // Wait for the first byte of the request (idle keep-alive time), then the header deadline runs.
        if connection.buffer.isEmpty {
            do { try connection.fill(deadline: clock.now + limits.idleTimeout, stopWhenIdle: shuttingDown) } catch { return nil }
        }
        let headerDeadline = clock.now + limits.headerTimeout
        var headerEnd: Int?
        while true {
            headerEnd = Self.find([13, 10, 13, 10], in: connection.buffer)
            if headerEnd != nil { break }
            if connection.buffer.count > limits.maxHeaderBytes { throw RequestRejection(status: 431, message: "request headers too large") }
            do { try connection.fill(deadline: headerDeadline) } catch {
                if case .timedOut = error { throw RequestRejection(status: 408, message: "request headers not received in time") }
                return nil
            }
        }
        guard let end = headerEnd else { return nil }
        if end > limits.maxHeaderBytes { throw RequestRejection(status: 431, message: "request headers too large") }
        let head = String(decoding: connection.buffer[..<end], as: UTF8.self)
        connection.buffer.removeFirst(end + 4)
        var request = try Self.parseHead(head)
        request.remote = connection.remote
        request.body = try readBody(of: request)
        return request
    }

    /// The request line and header fields.
    static func parseHead(_ head: String) throws(RequestRejection) -> IncomingRequest {
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw RequestRejection(status: 400, message: "empty request") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, requestLine[1].hasPrefix("/") || requestLine[1] == "*" else {
            throw RequestRejection(status: 400, message: "malformed request line")
        }
        let version = String(requestLine[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw RequestRejection(status: 505, message: "unsupported HTTP version \(version)") }
        let target = requestLine[1]
        let path: String, query: String
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q]); query = String(target[target.index(after: q)...])
        } else {
            path = String(target); query = ""
        }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw RequestRejection(status: 400, message: "malformed header line")
            }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return IncomingRequest(method: String(requestLine[0]), path: path, query: query, version: version, headers: headers)
    }

    func readBody(of request: IncomingRequest) throws(RequestRejection) -> [UInt8] {
        let maxBodyBytes = limits.bodyLimitOverride?(request.method, request.path) ?? limits.maxBodyBytes
        let deadline = ContinuousClock.now + limits.bodyTimeout
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            return try readChunked(deadline: deadline, expectsContinue: expectsContinue(request), maxBodyBytes: maxBodyBytes)
        }
        guard let lengthText = request.header("Content-Length") else { return [] }
        guard let length = Int(lengthText), length >= 0 else { throw RequestRejection(status: 400, message: "invalid Content-Length") }
        if length > maxBodyBytes {
            throw RequestRejection(status: 413, message: "request body of \(length) bytes is over the limit of \(maxBodyBytes)")
        }
        if length > connection.buffer.count && expectsContinue(request) { connection.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
        while connection.buffer.count < length { try fill(deadline) }
        let body = Array(connection.buffer[..<length])
        connection.buffer.removeFirst(length)
        return body
    }

    func expectsContinue(_ request: IncomingRequest) -> Bool { request.header("Expect")?.lowercased() == "100-continue" }

    /// A chunked body: hex size lines, data, and a final zero chunk with optional trailers.
    func readChunked(deadline: ContinuousClock.Instant, expectsContinue: Bool, maxBodyBytes: Int) throws(RequestRejection) -> [UInt8] {
        if expectsContinue && connection.buffer.isEmpty { connection.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: connection.buffer)
            while lineEnd == nil {
                if connection.buffer.count > 1024 { throw RequestRejection(status: 400, message: "malformed chunk size") }
                try fill(deadline)
                lineEnd = Self.find([13, 10], in: connection.buffer)
            }
            guard let end = lineEnd else { break }
            let sizeText = String(decoding: connection.buffer[..<end], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw RequestRejection(status: 400, message: "malformed chunk size")
            }
            connection.buffer.removeFirst(end + 2)
            if size == 0 {
                // Trailers (ignored) up to an empty line.
                while true {
                    var trailerEnd = Self.find([13, 10], in: connection.buffer)
                    while trailerEnd == nil { try fill(deadline); trailerEnd = Self.find([13, 10], in: connection.buffer) }
                    guard let t = trailerEnd else { break }
                    connection.buffer.removeFirst(t + 2)
                    if t == 0 { break }
                }
                return body
            }
            if body.count + size > maxBodyBytes {
                throw RequestRejection(status: 413, message: "request body is over the limit of \(maxBodyBytes) bytes")
            }
            while connection.buffer.count < size + 2 { try fill(deadline) }
            body += connection.buffer[..<size]
            connection.buffer.removeFirst(size + 2)
        }
        return body
    }

    func fill(_ deadline: ContinuousClock.Instant) throws(RequestRejection) {
        do { try connection.fill(deadline: deadline) } catch {
            if case .timedOut = error { throw RequestRejection(status: 408, message: "request body not received in time") }
            throw RequestRejection(status: 400, message: "connection closed inside the request body")
        }
    }

    /// The offset of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
