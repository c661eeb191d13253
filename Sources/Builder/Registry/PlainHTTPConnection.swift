import Foundation

/// HTTP/1.1 over a plain TCP socket, one request per connection, for `http://` registries. The
/// response body is read in chunks on the calling thread and handed to the sink before the next
/// read, so a slow disk slows the sender (TCP flow control) instead of filling memory; request
/// bodies stream from their file. TLS is URLSession's job (see `HTTPClient`).
enum PlainHTTPConnection {
    static let chunk = 1 << 20

    static func send(_ request: HTTPRequest, timeout: Double, sink: BodySink?,
                     sent: (@Sendable (Int64) -> Void)?) throws(HTTPError) -> HTTPResponse {
        guard let host = request.url.host else { throw HTTPError("\(request.url): no host") }
        let port = request.url.port ?? 80
        let fd = try connect(host: host, port: port, timeout: timeout)
        defer { close(fd) }

        // URLComponents keeps a trailing slash (`blobs/uploads/`), which `URL.path` drops.
        let parts = URLComponents(url: request.url, resolvingAgainstBaseURL: true)
        var path = parts?.percentEncodedPath ?? "/"
        if path.isEmpty { path = "/" }
        if let q = parts?.percentEncodedQuery { path += "?" + q }
        var head = "\(request.method) \(path) HTTP/1.1\r\nHost: \(host)\(request.url.port.map { ":\($0)" } ?? "")\r\n"
        head += "User-Agent: mfc\r\nConnection: close\r\n"
        var bodyLength: Int64 = 0
        switch request.body {
        case .none: break
        case .bytes(let b): bodyLength = Int64(b.count)
        case .file(let p):
            guard let st = FileIO.status(p) else { throw HTTPError("cannot stat \(p)") }
            bodyLength = st.size
        }
        var headers = request.headers.filter { $0.0.lowercased() != "content-length" }
        if request.method != "GET" && request.method != "HEAD" || bodyLength > 0 { headers.append(("Content-Length", String(bodyLength))) }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        try writeAll(fd, Array(head.utf8))
        switch request.body {
        case .none: break
        case .bytes(let b): try writeAll(fd, b); sent?(bodyLength)
        case .file(let p): try streamFile(p, to: fd, sent: sent)
        }

        var reader = SocketReader(fd: fd)
        let (status, responseHeaders) = try reader.readHead()
        var response = HTTPResponse(status: status, headers: responseHeaders, body: [], url: request.url)
        let noBody = request.method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status)
        guard !noBody else { return response }
        let streaming = sink != nil && response.isSuccess
        let deliver: ([UInt8]) throws(HTTPError) -> Void = { bytes throws(HTTPError) in
            if streaming, let sink {
                do { try sink(status, Data(bytes)) } catch { throw HTTPError("\(error)") }
            } else if response.body.count < 16 << 20 {
                response.body += bytes
            }
        }
        if responseHeaders["transfer-encoding"]?.lowercased().contains("chunked") == true {
            try reader.readChunked(deliver)
        } else if let lengthText = responseHeaders["content-length"] {
            guard let length = Int64(lengthText), length >= 0 else { throw HTTPError("bad Content-Length '\(lengthText)'") }
            try reader.readExactly(length, deliver)
        } else {
            try reader.readToEnd(deliver)
        }
        return response
    }

    static func connect(host: String, port: Int, timeout: Double) throws(HTTPError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { throw HTTPError("cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno
            close(fd)
        }
        throw HTTPError("cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(HTTPError) {
        let ok = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        guard ok else { throw HTTPError("connection lost while sending: \(String(cString: strerror(errno)))") }
    }

    static func streamFile(_ path: String, to fd: Int32, sent: (@Sendable (Int64) -> Void)?) throws(HTTPError) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw HTTPError("cannot open \(path)") }
        defer { close(input) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = read(input, buffer.baseAddress, buffer.count)
            if n < 0 { if errno == EINTR { continue }; throw HTTPError("cannot read \(path)") }
            if n == 0 { break }
            guard FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n])) else {
                throw HTTPError("connection lost while sending: \(String(cString: strerror(errno)))")
            }
            total += Int64(n)
            sent?(total)
        }
    }
}

/// Buffered reads from a socket: the response head line by line, then the body in pieces.
private struct SocketReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var start = 0

    init(fd: Int32) { self.fd = fd }

    /// Reads more bytes into the buffer; false at end of stream.
    mutating func fill() throws(HTTPError) -> Bool {
        if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        var chunk = [UInt8](repeating: 0, count: PlainHTTPConnection.chunk)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HTTPError(errno == EAGAIN ? "the server stopped answering (timeout)" : "connection lost: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
    }

    mutating func line() throws(HTTPError) -> String {
        while true {
            if let i = buffer[start...].firstIndex(of: 10) {
                var end = i
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return text
            }
            guard buffer.count - start < 64 << 10 else { throw HTTPError("response header line too long") }
            guard try fill() else { throw HTTPError("connection closed before the response ended") }
        }
    }

    mutating func readHead() throws(HTTPError) -> (Int, [String: String]) {
        var status = 0
        repeat {
            let statusLine = try line()
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let s = Int(parts[1]) else { throw HTTPError("not an HTTP response: \(statusLine.prefix(80))") }
            status = s
            var headers: [String: String] = [:]
            while true {
                let l = try line()
                if l.isEmpty { break }
                guard let colon = l.firstIndex(of: ":") else { continue }
                headers[l[..<colon].lowercased()] = String(l[l.index(after: colon)...]).trimmingSpaces
            }
            if status != 100 { return (status, headers) }
        } while true
    }

    /// Hands over what is buffered (at most `limit` bytes).
    mutating func take(_ limit: Int64, _ deliver: ([UInt8]) throws(HTTPError) -> Void) throws(HTTPError) -> Int64 {
        let n = Int(min(Int64(buffer.count - start), limit))
        guard n > 0 else { return 0 }
        let piece = Array(buffer[start..<start + n])
        start += n
        try deliver(piece)
        return Int64(n)
    }

    mutating func readExactly(_ length: Int64, _ deliver: ([UInt8]) throws(HTTPError) -> Void) throws(HTTPError) {
        var left = length
        while left > 0 {
            left -= try take(left, deliver)
            if left > 0, !(try fill()) { throw HTTPError("connection closed \(left) bytes before the end of the body") }
        }
    }

    mutating func readToEnd(_ deliver: ([UInt8]) throws(HTTPError) -> Void) throws(HTTPError) {
        repeat { _ = try take(Int64.max, deliver) } while try fill()
    }

    mutating func readChunked(_ deliver: ([UInt8]) throws(HTTPError) -> Void) throws(HTTPError) {
        while true {
            let sizeLine = try line()
            guard let size = Int64(sizeLine.split(separator: ";").first.map(String.init)?.trimmingSpaces ?? "", radix: 16), size >= 0 else {
                throw HTTPError("bad chunk size '\(sizeLine.prefix(20))'")
            }
            if size == 0 {
                while try !line().isEmpty {}   // trailers
                return
            }
            try readExactly(size, deliver)
            _ = try line()
        }
    }
}
