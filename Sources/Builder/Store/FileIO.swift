import Foundation

/// Thin POSIX helpers that throw `StoreError` with the path and `strerror` text.
enum FileIO {
    static func error(_ what: String, _ path: String) -> StoreError {
        StoreError("\(what) \(path): \(String(cString: strerror(errno)))")
    }

    /// Creates a directory and its parents with mode 0755 (Ollama's mode). The error names the
    /// part of the path that is in the way (for example a file where a folder should be).
    static func makeDirectory(_ path: String) throws(StoreError) {
        if status(path)?.isDirectory == true { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + part
            if let st = status(prefix) {
                guard st.isDirectory else { throw StoreError("cannot create directory \(path): \(prefix) is not a directory") }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw error("cannot create directory", prefix) }
        }
    }

    /// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, and (unless
    /// the caller batches it) fsync of the folder.
    /// `settle` stamps the file as the stat cache can trust at once (content-addressed blobs).
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, syncDirectory: Bool = true,
                                settle: Bool = false) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error("cannot create", temp) }
        var ok = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if ok && settle { StatCache.stampSettled(fd) }
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

    /// The whole file, or nil when it cannot be read. Reads to end of file with `read(2)`, so a
    /// pipe (`-f <(...)`, /dev/fd/N) works as well as a regular file.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // A regular file's size is known: read it straight into one array, with no copies from
        // regrowing it (a 10 MB Modelfile would otherwise be copied about twice over).
        var s = stat()
        let size = fstat(fd, &s) == 0 && (s.st_mode & S_IFMT) == S_IFREG ? Int(s.st_size) : 0
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 { if errno == EINTR { continue }; failed = true; return }
                if n == 0 { return }
                count += n
            }
        }
        if failed { return nil }
        if bytes.count < size { return bytes }
        // A pipe, or a file that grew meanwhile: the rest in chunks (an uninitialised buffer, so the
        // usual case, a regular file already at its end, costs one read and no clearing).
        let complete = withUnsafeTemporaryAllocation(byteCount: 1 << 16, alignment: 16) { chunk -> Bool in
            while true {
                let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
                if n < 0 { if errno == EINTR { continue }; return false }
                if n == 0 { return true }
                bytes += UnsafeRawBufferPointer(rebasing: chunk[0..<n])
            }
        }
        return complete ? bytes : nil
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// `stat` facts used for the fast cache key; nil if the path cannot be stat'ed.
    static func status(_ path: String) -> FileStat? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return FileStat(device: UInt64(s.st_dev), inode: UInt64(s.st_ino), size: Int64(s.st_size),
                        mtimeNanoseconds: Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec),
                        isDirectory: (s.st_mode & S_IFMT) == S_IFDIR, isRegular: (s.st_mode & S_IFMT) == S_IFREG,
                        fileType: s.st_mode & S_IFMT, permissions: s.st_mode & 0o7777,
                        ctimeNanoseconds: Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec))
    }

    /// The names in a folder, sorted; empty when it cannot be read.
    static func names(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }
}

/// The whole file at `path` read to its end (pipes too), nil when it cannot be read.
package func readWholeFile(_ path: String) -> [UInt8]? { FileIO.read(path) }

/// The parts of `stat` that identify one version of a file.
package struct FileStat: Sendable, Hashable {
    package var device: UInt64
    package var inode: UInt64
    package var size: Int64
    package var mtimeNanoseconds: Int64
    package var isDirectory: Bool
    package var isRegular: Bool
    /// `st_mode & S_IFMT`.
    package var fileType: mode_t = S_IFREG
    /// `st_mode & 0o7777`.
    package var permissions: mode_t = 0o644
    /// The last status change (any write, rename, chmod, `utimensat`); not part of the stat
    /// cache's key, only of its racy-clean rule.
    package var ctimeNanoseconds: Int64 = 0

    /// The `stat` facts of `path` (following symlinks), nil when it cannot be stat'ed.
    package static func of(_ path: String) -> FileStat? { FileIO.status(path) }

    /// What kind of file this is, for messages: "a regular file", "a FIFO (named pipe)", ...
    package var kindDescription: String {
        switch fileType {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
