#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A minimal HTTP/1.1 client on a loopback socket for the streaming benchmark: one POST, and the
/// response body handed over line by line with the time each line arrived. It has no buffering
/// layer between the socket and the caller, so the times are those the kernel delivered the bytes.
struct StreamingHTTPClient {
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One GET or POST; returns the status. `onLine` gets each body line (without the line break)
    /// and the instant its last byte was received; returning false stops reading.
    @discardableResult
    func send(_ method: String, _ path: String, body: String = "", timeout: Duration = .seconds(600),
              onLine: (String, ContinuousClock.Instant) -> Bool = { _, _ in true }) throws(Failure) -> Int {
        let fd = try connect()
        defer { close(fd) }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        var out = Array((head + body).utf8)
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { if errno == EINTR { continue }; throw Failure(description: "send to port \(port) failed: \(String(cString: strerror(errno)))") }
            sent += n
        }
        out.removeAll()

        var reader = ResponseReader()
        let deadline = ContinuousClock.now + timeout
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while ContinuousClock.now < deadline {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { if errno == EINTR { continue }; throw Failure(description: "receive failed: \(String(cString: strerror(errno)))") }
            let now = ContinuousClock.now
            if n == 0 { break }
            for line in try reader.feed(chunk[..<n]) where !onLine(line, now) { return reader.status }
            if reader.complete { break }
        }
        for line in reader.finish() { _ = onLine(line, ContinuousClock.now) }
        return reader.status
    }

    private func connect() throws(Failure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port): \(message)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}

/// Turns response bytes into the status and body lines: headers first, then a chunked body or one
/// read to the end (Content-Length or connection close).
private struct ResponseReader {
    private(set) var status = 0
    private(set) var complete = false
    private var raw: [UInt8] = []        // bytes not yet parsed (headers, chunk framing)
    private var body: [UInt8] = []       // body bytes not yet split into lines
    private var headersDone = false
    private var chunked = false
    private var chunkLeft = 0            // bytes left in the current chunk (then its CRLF)
    private var lengthLeft: Int?

    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(StreamingHTTPClient.Failure) -> [String] {
        raw += bytes
        if !headersDone {
            guard let end = Self.find([13, 10, 13, 10], in: raw) else { return [] }
            let head = String(decoding: raw[..<end], as: UTF8.self)
            raw.removeSubrange(..<(end + 4))
            headersDone = true
            let lines = head.split(separator: "\r\n")
            guard let first = lines.first, first.split(separator: " ").count >= 2, let code = Int(first.split(separator: " ")[1]) else {
                throw .init(description: "bad status line '\(lines.first ?? "")'")
            }
            status = code
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard parts.count == 2 else { continue }
                if parts[0] == "transfer-encoding", parts[1].contains("chunked") { chunked = true }
                if parts[0] == "content-length" { lengthLeft = Int(parts[1]) }
            }
        }
        if chunked { try unchunk() } else {
            let take = min(raw.count, lengthLeft ?? raw.count)
            body += raw[..<take]
            raw.removeSubrange(..<take)
            if let left = lengthLeft { lengthLeft = left - take; if left - take == 0 { complete = true } }
        }
        return splitLines()
    }

    /// Moves whole chunk payloads from `raw` into `body`; the zero-length chunk completes the body.
    private mutating func unchunk() throws(StreamingHTTPClient.Failure) {
        while !complete {
            if chunkLeft > 0 {
                let take = min(chunkLeft, raw.count)
                body += raw[..<take]
                raw.removeSubrange(..<take)
                chunkLeft -= take
                if chunkLeft > 0 { return }
                chunkLeft = -2   // the CRLF after the payload
            }
            if chunkLeft < 0 {
                guard raw.count >= 2 else { return }
                raw.removeSubrange(..<2)
                chunkLeft = 0
            }
            guard let end = Self.find([13, 10], in: raw) else { return }
            let sizeText = String(decoding: raw[..<end], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw .init(description: "bad chunk size '\(sizeText)'")
            }
            raw.removeSubrange(..<(end + 2))
            if size == 0 { complete = true; return }
            chunkLeft = size
        }
    }

    private mutating func splitLines() -> [String] {
        var lines: [String] = []
        while let newline = body.firstIndex(of: 10) {
            var line = body[..<newline]
            if line.last == 13 { line = line.dropLast() }
            if !line.isEmpty { lines.append(String(decoding: line, as: UTF8.self)) }
            body.removeSubrange(...newline)
        }
        return lines
    }

    /// A last line without a line break.
    mutating func finish() -> [String] {
        defer { body = [] }
        return body.isEmpty ? [] : [String(decoding: body, as: UTF8.self)]
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
