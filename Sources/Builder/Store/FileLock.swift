import Foundation

/// An advisory lock (`flock`) on a file: builds hold it shared, so they run side by side, and
/// deletes hold it exclusive, so garbage collection never removes a blob a build is about to use. Released on `unlock` or when the process dies.
package final class FileLock: @unchecked Sendable {
    private var fd: Int32

    /// Blocks until the lock on `path` is held: shared (many holders) or exclusive (one).
    package init(path: String, exclusive: Bool = true) throws(StoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.error("cannot open lock file", path) }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let e = FileIO.error("cannot lock", path)
            close(fd)
            throw e
        }
    }

    /// True when the locked file is still the one at `path` (it was not unlinked or replaced).
    func isCurrentFile(at path: String) -> Bool {
        var mine = stat(), there = stat()
        guard fd >= 0, fstat(fd, &mine) == 0, stat(path, &there) == 0 else { return false }
        return mine.st_dev == there.st_dev && mine.st_ino == there.st_ino
    }

    /// Releases the lock; later calls do nothing.
    package func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}
