import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client for HTTP edge cases: sends exact bytes, reads whatever comes back.
final class RawHTTP {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw Failure("cannot connect to port \(port)") }
    }

    deinit { close(fd) }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// The next bytes within 100 ms: nil when nothing came, [] when the peer closed.
    func receive() -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 100) > 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n <= 0 ? [] : Array(buf[..<n])
    }

    /// Reads until `done` says the text is complete, the peer closes, or `seconds` pass.
    func read(seconds: Double = 10, until done: (String) -> Bool = { _ in false }) -> String {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let bytes = receive() else { continue }
            if bytes.isEmpty { break }
            out += bytes
            if done(String(decoding: out, as: UTF8.self)) { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the server closed the connection within `seconds`.
    func closedByPeer(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if receive()?.isEmpty == true { return true }
        }
        return false
    }
}

/// `Content-Length` response complete?
func responseComplete(_ text: String) -> Bool {
    guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
    let head = text[..<headEnd.lowerBound].lowercased()
    if head.contains("transfer-encoding: chunked") { return text.hasSuffix("0\r\n\r\n") }
    guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
          let n = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return true }
    return text.utf8.count - text[..<headEnd.upperBound].utf8.count >= n
}
