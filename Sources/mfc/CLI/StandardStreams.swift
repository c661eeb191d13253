import Foundation

/// Standard input that cannot be read (a directory, an I/O error) or is unreasonably large.
struct InputError: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// The process's standard streams, read and guarded without Foundation's trapping `FileHandle` calls.
enum StandardStreams {
    /// The most bytes read from standard input: a Modelfile, template or prompt, never a model.
    static let limit = 256 << 20

    /// Reads standard input to its end.
    /// - Throws: `InputError` on a read error or past `limit` bytes (`mfc lint - < /dev/zero` stops).
    static func readAll() throws(InputError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n == 0 { return data }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(description: "cannot read standard input: \(String(cString: strerror(errno)))")
            }
            guard data.count + n <= limit else { throw InputError(description: "standard input is larger than \(limit >> 20) MiB") }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Points standard input, output and error at /dev/null when the parent closed them (`mfc run M <&-`),
    /// so reading gives end of file and no file the process opens later takes their numbers.
    static func reopenClosedStreams() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd { dup2(null, fd); close(null) }
        }
    }
}
