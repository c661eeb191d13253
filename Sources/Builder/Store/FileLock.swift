import Foundation

/// An exclusive advisory lock (`flock`) on a file, so concurrent builds on one store take turns
/// writing manifests and collecting garbage. Released on `unlock` or when the process dies.
public final class FileLock: @unchecked Sendable {
    private var fd: Int32

    /// Blocks until the lock on `path` is held.
    public init(path: String) throws(StoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.error("cannot open lock file", path) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let e = FileIO.error("cannot lock", path)
            close(fd)
            throw e
        }
    }

    public func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}
