import Foundation

/// Thin POSIX helpers that throw `StoreError` with the path and `strerror` text.
enum FileIO {
    static func error(_ what: String, _ path: String) -> StoreError {
        StoreError("\(what) \(path): \(String(cString: strerror(errno)))")
    }

    /// Creates a directory and its parents with mode 0755 (Ollama's mode).
    static func makeDirectory(_ path: String) throws(StoreError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o755]) }
        catch { throw StoreError("cannot create directory \(path): \(error.localizedDescription)") }
    }

    /// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, and (unless
    /// the caller batches it) fsync of the folder.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, syncDirectory: Bool = true) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error("cannot create", temp) }
        var ok = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let e = error("cannot write", path)
            unlink(temp)
            throw e
        }
        if syncDirectory { FileIO.syncDirectory(dir) }
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        guard var p = buffer.baseAddress else { return true }
        var left = buffer.count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 { if errno == EINTR { continue }; return false }
            p += n
            left -= n
        }
        return true
    }

    /// Makes a rename durable.
    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// The whole file, or nil when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// `stat` facts used for the fast cache key; nil if the path cannot be stat'ed.
    static func status(_ path: String) -> FileStat? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return FileStat(device: UInt64(s.st_dev), inode: UInt64(s.st_ino), size: Int64(s.st_size),
                        mtimeNanoseconds: Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec),
                        isDirectory: (s.st_mode & S_IFMT) == S_IFDIR, isRegular: (s.st_mode & S_IFMT) == S_IFREG)
    }

    /// The names in a folder, sorted; empty when it cannot be read.
    static func names(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }
}

/// The parts of `stat` that identify one version of a file.
package struct FileStat: Sendable, Hashable {
    package var device: UInt64
    package var inode: UInt64
    package var size: Int64
    package var mtimeNanoseconds: Int64
    package var isDirectory: Bool
    package var isRegular: Bool

}
