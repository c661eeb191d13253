#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why reading from a client stopped.
package enum ReadFailure: Error, Sendable {
    /// The peer closed the connection.
    case closed
    /// The deadline passed first.
    case timedOut
    /// The server is shutting down and the connection was idle.
    case shuttingDown
}

/// One accepted TCP connection: buffered reads against a deadline, whole writes, and a cheap check
/// for a peer that went away. Not thread-safe except `isPeerGone` and `close`, which a stream's
/// producer may call while the connection's thread is writing.
final class SocketConnection: @unchecked Sendable {
    let fd: Int32
    let remote: String
    /// Bytes read but not yet consumed (pipelined requests keep theirs here).
    var buffer: [UInt8] = []
    private let closed = NSLock()
    private var isClosed = false

    init(fd: Int32, remote: String) {
        self.fd = fd
        self.remote = remote
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// Reads more bytes into `buffer`, waiting at most until `deadline`; polls in short slices so a
    /// shutdown is noticed (`stopWhenIdle` returning true ends the wait).
    func fill(deadline: ContinuousClock.Instant, stopWhenIdle: () -> Bool = { false }) throws(ReadFailure) {
        let clock = ContinuousClock()
        while true {
            if stopWhenIdle() { throw .shuttingDown }
            let left = deadline - clock.now
            if left <= .zero { throw .timedOut }
            let ms = Int32(min(250, max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, ms)
            if ready < 0 { if errno == EINTR { continue }; throw .closed }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; throw .closed }
            if n == 0 { throw .closed }
            buffer += chunk[..<n]
            return
        }
    }

    /// Writes all of `bytes`; false when the peer is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {   // the send timeout: a client that stopped reading
                    return false
                }
                return false
            }
            offset += n
        }
        return true
    }

    /// Gives up on writes to a client that stops reading for `seconds`.
    func setSendTimeout(seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// True when the peer has closed or reset the connection (without consuming pipelined bytes).
    var isPeerGone: Bool {
        let hangUp: Int16 = 0x2000   // POLLRDHUP (Linux): the peer shut down its side
        var p = pollfd(fd: fd, events: Int16(POLLIN) | hangUp, revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        let gone: Int16 = Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL) | hangUp
        if p.revents & gone != 0 { return true }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) == 0
    }

    func close() {
        closed.lock()
        defer { closed.unlock() }
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }
}
