#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written sequentially to `<path>.partial` and renamed into place by `commit()`, so a failed
/// or interrupted run never leaves a truncated model at `path`.
package struct OutputFile: ~Copyable {
    let path: String
    let partialPath: String
    private var fd: Int32

    package init(path: String) throws(QuantizeError) {
        self.path = path
        partialPath = path + ".partial"
        fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw QuantizeError("cannot create \(partialPath): \(String(cString: strerror(errno)))") }
    }

    package mutating func write(_ bytes: [UInt8]) throws(QuantizeError) {
        let result = bytes.withUnsafeBytes { writeAll($0) }
        if let failure = result { throw failure }
    }

    /// Writes floats as little-endian f32 (the host order on every platform Swift targets here).
    package mutating func write(_ floats: [Float]) throws(QuantizeError) {
        let result = floats.withUnsafeBytes { writeAll($0) }
        if let failure = result { throw failure }
    }

    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(QuantizeError) {
        if let failure = writeAll(bytes) { throw failure }
    }

    package mutating func writeZeros(_ count: Int) throws(QuantizeError) {
        guard count > 0 else { return }
        try write([UInt8](repeating: 0, count: count))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> QuantizeError? {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return nil }
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return QuantizeError("cannot write \(partialPath): \(String(cString: strerror(errno)))") }
            done += n
        }
        return nil
    }

    /// Closes the file (after fsync when `sync`) and renames it to `path`.
    package consuming func commit(sync: Bool = false) throws(QuantizeError) {
        let descriptor = fd
        fd = -1
        if sync && fsync(descriptor) != 0 {
            let message = "cannot sync \(partialPath): \(String(cString: strerror(errno)))"
            close(descriptor)
            unlink(partialPath)
            throw QuantizeError(message)
        }
        guard close(descriptor) == 0 else { throw QuantizeError("cannot close \(partialPath): \(String(cString: strerror(errno)))") }
        guard rename(partialPath, path) == 0 else {
            throw QuantizeError("cannot rename \(partialPath) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if fd >= 0 {   // not committed: drop the partial file
            close(fd)
            unlink(partialPath)
        }
    }
}
