import Foundation

/// Remembers a source file's digest by (device, inode, size, mtime): the fast key. Only when the
/// fast key changes is the file read and hashed again (the slow key).
///
/// A digest is remembered only for a *settled* file, one whose next write must change its mtime
/// (git's "racily clean" problem: a write within the same timestamp tick as the last one leaves
/// the key unchanged). A write stamps the file system's current time, truncated to its
/// granularity, which this cache assumes is at most `racyWindowNanoseconds` (FAT's 2 s is the
/// coarsest in use). So a file is settled when its mtime is that far behind either clock that
/// bounds the time of any later write from below: the wall clock now, or the file's own ctime
/// (the last status change, a time the file system itself already handed out).
package struct StatCache: Sendable {
    let log: ActionLog
    let clock: WallClock
    static let kind = "stat"
    static let racyWindowNanoseconds: Int64 = 2_000_000_000

    package init(log: ActionLog, clock: WallClock = .system) {
        self.log = log
        self.clock = clock
    }

    /// The remembered digest when the file still has the same identity, else nil.
    package func digest(for path: String, stat: FileStat) -> (digest: Digest, size: Int64)? {
        guard let value = log.lookup(StatCache.kind, path) else { return nil }
        let parts = value.split(separator: " ")
        guard parts.count == 5, parts[0] == String(stat.device), parts[1] == String(stat.inode),
              parts[2] == String(stat.size), parts[3] == String(stat.mtimeNanoseconds),
              let digest = Digest(parsing: "sha256:" + parts[4]) else { return nil }
        return (digest, stat.size)
    }

    /// Records a digest for the file's identity `stat`, taken before the content was read (or
    /// after mfc wrote and stamped it), unless the file is not settled yet: such a file is simply
    /// hashed again next time.
    package func remember(_ digest: Digest, for path: String, stat: FileStat) {
        guard isSettled(stat) else { return }
        log.record(StatCache.kind, path, "\(stat.device) \(stat.inode) \(stat.size) \(stat.mtimeNanoseconds) \(digest.hex)")
    }

    /// Whether a later write to the file must give it another mtime (see the type's comment).
    func isSettled(_ stat: FileStat) -> Bool {
        let window = StatCache.racyWindowNanoseconds
        return clock.nanoseconds() - stat.mtimeNanoseconds >= window || stat.ctimeNanoseconds - stat.mtimeNanoseconds >= window
    }

    /// Settles a file mfc has just finished writing (a blob, before it is renamed into place):
    /// sets its mtime one racy window below the mtime of its last write. Setting it also moves the
    /// ctime to now, so the file is settled at once, with no wait and no trust in the wall clock;
    /// any later write stamps a time past the old mtime, so it cannot go unnoticed. Where the file
    /// system refuses, the file stays as written and settles by the wall clock.
    static func stampSettled(_ fd: Int32) {
        var s = stat()
        guard fstat(fd, &s) == 0 else { return }
        let stamped = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec) - racyWindowNanoseconds
        guard stamped >= 0 else { return }
        var times = [s.st_atim, timespec(tv_sec: Int(stamped / 1_000_000_000), tv_nsec: Int(stamped % 1_000_000_000))]
        _ = futimens(fd, &times)
    }
}
