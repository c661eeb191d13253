import Foundation
import Synchronization

/// mfc's persistent build memory: an append-only text file headed `# mfc action log v1` whose
/// lines are `<kind>\t<key>\t<value>` (tabs, newlines and backslashes escaped). The last entry
/// for a (kind, key) wins. A file with another header is ignored (everything rebuilds), never an
/// error. When it holds over 100 entries and more than 3× the unique keys it is rewritten.
package final class ActionLog: Sendable {
    static let header = "# mfc action log v1"
    package let path: String
    private let entries: Mutex<[String: String]>

    /// Loads the log at `path` (missing or unreadable means empty).
    package init(path: String) {
        self.path = path
        var map: [String: String] = [:]
        var lineCount = 0
        if let bytes = FileIO.read(path) {
            let text = String(decoding: bytes, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            if lines.first == Substring(ActionLog.header) {
                lines.removeFirst()
                for line in lines {
                    let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
                    guard parts.count == 3 else { continue }   // a torn last line from a killed build
                    map[ActionLog.unescape(parts[0]) + "\t" + ActionLog.unescape(parts[1])] = ActionLog.unescape(parts[2])
                    lineCount += 1
                }
            }
        }
        entries = Mutex(map)
        if lineCount > 100 && lineCount > 3 * map.count { try? compact() }
    }

    /// The recorded value, if any.
    package func lookup(_ kind: String, _ key: String) -> String? {
        entries.withLock { $0[kind + "\t" + key] }
    }

    /// Every (key, value) of one kind, in key order.
    package func entries(ofKind kind: String) -> [(key: String, value: String)] {
        let prefix = kind + "\t"
        return entries.withLock { map in
            map.compactMap { k, v in k.hasPrefix(prefix) ? (String(k.dropFirst(prefix.count)), v) : nil }
        }.sorted { $0.key < $1.key }
    }

    /// Records a value in memory and appends it to the file (one `write` with O_APPEND, so
    /// concurrent builds interleave whole lines).
    package func record(_ kind: String, _ key: String, _ value: String) {
        let changed = entries.withLock { map -> Bool in
            let k = kind + "\t" + key
            if map[k] == value { return false }
            map[k] = value
            return true
        }
        guard changed else { return }
        let dir = (path as NSString).deletingLastPathComponent
        try? FileIO.makeDirectory(dir)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var line = ""
        if lseek(fd, 0, SEEK_END) == 0 { line += ActionLog.header + "\n" }
        line += ActionLog.escape(kind) + "\t" + ActionLog.escape(key) + "\t" + ActionLog.escape(value) + "\n"
        _ = Array(line.utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
    }

    /// Rewrites the file with one line per key.
    func compact() throws(StoreError) {
        let snapshot = entries.withLock { $0 }
        var text = ActionLog.header + "\n"
        for (k, v) in snapshot.sorted(by: { $0.key < $1.key }) {
            let parts = k.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            text += ActionLog.escape(String(parts[0])) + "\t" + ActionLog.escape(String(parts[1])) + "\t" + ActionLog.escape(v) + "\n"
        }
        try FileIO.writeAtomically(Array(text.utf8), to: path)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescape<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        var escaping = false
        for c in s.unicodeScalars {
            if escaping {
                switch c {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
