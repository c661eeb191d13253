/// Remembers a source file's digest by (device, inode, size, mtime): the fast key. Only when the
/// fast key changes is the file read and hashed again (the slow key).
public struct StatCache: Sendable {
    let log: ActionLog
    static let kind = "stat"

    public init(log: ActionLog) { self.log = log }

    /// The remembered digest when the file still has the same identity, else nil.
    public func digest(for path: String, stat: FileStat) -> (digest: Digest, size: Int64)? {
        guard let value = log.lookup(StatCache.kind, path) else { return nil }
        let parts = value.split(separator: " ")
        guard parts.count == 5, parts[0] == String(stat.device), parts[1] == String(stat.inode),
              parts[2] == String(stat.size), parts[3] == String(stat.mtimeNanoseconds),
              let digest = Digest(parsing: "sha256:" + parts[4]) else { return nil }
        return (digest, stat.size)
    }

    public func remember(_ digest: Digest, for path: String, stat: FileStat) {
        log.record(StatCache.kind, path, "\(stat.device) \(stat.inode) \(stat.size) \(stat.mtimeNanoseconds) \(digest.hex)")
    }
}
