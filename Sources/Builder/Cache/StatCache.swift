import Foundation

/// Remembers a source file's digest by (device, inode, size, mtime): the fast key. Only when the
/// fast key changes is the file read and hashed again (the slow key).
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

    /// Records a digest for the file's current identity, unless the file was modified in the last
    /// two seconds: a write within the same mtime tick could then go unnoticed (git's "racily
    /// clean" problem), so such files are simply hashed again next time.
    package func remember(_ digest: Digest, for path: String, stat: FileStat) {
        guard clock.nanoseconds() - stat.mtimeNanoseconds >= StatCache.racyWindowNanoseconds else { return }
        log.record(StatCache.kind, path, "\(stat.device) \(stat.inode) \(stat.size) \(stat.mtimeNanoseconds) \(digest.hex)")
    }
}
