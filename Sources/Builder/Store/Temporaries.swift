import Foundation
import Synchronization

/// Temporary files a store writer creates beside what it publishes (`blobs/sha256-tmp-…`,
/// `blobs/quantize-tmp-….gguf.partial`, `manifests/…/.tmp-…`). Each name carries the writer's
/// process id, and the writer holds a shared `flock` on `.mfc/writers/<pid>.lock` while it
/// lives. A temporary is stale exactly when nobody holds its writer's lock: the process was
/// killed (the kernel drops its locks) or finished. A reused pid of an unrelated process does
/// not hold the lock, so its namesake's leftovers are still found; a store shared by two pid
/// namespaces stays safe because a live writer always holds its lock.
package final class Temporaries: Sendable {
    let writersDirectory: String
    private let held = Mutex<FileLock?>(nil)

    init(stateDirectory: String) {
        writersDirectory = stateDirectory + "/writers"
    }

    /// A fresh temporary path in `directory` named `<kind>-tmp-<pid>-<random><suffix>`; this
    /// process's writer lock is held before the name is handed out.
    package func path(in directory: String, kind: String, suffix: String = "") throws(StoreError) -> String {
        try holdWriterLock()
        return directory + "/\(kind)-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" + suffix
    }

    /// Takes this process's writer lock (once; kept until the process ends).
    package func holdWriterLock() throws(StoreError) {
        try held.withLock { (lock: inout FileLock?) throws(StoreError) in
            guard lock == nil else { return }
            try FileIO.makeDirectory(writersDirectory)
            let path = writersDirectory + "/\(getpid()).lock"
            // A cleaner may unlink the file between our open and our flock: retry until the
            // locked file is the one at the path.
            while true {
                let candidate = try FileLock(path: path, exclusive: false)
                if candidate.isCurrentFile(at: path) { lock = candidate; return }
                candidate.unlock()
            }
        }
    }

    /// The writer's pid in a temporary's file name, nil when the name has none.
    static func writerPID(of name: String) -> Int32? {
        guard let r = name.range(of: "tmp-") else { return nil }
        let digits = name[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, name[r.upperBound...].dropFirst(digits.count).first == "-" else { return nil }
        return Int32(digits)
    }

    /// True when no live process holds the writer lock of `pid`.
    func writerIsGone(_ pid: Int32) -> Bool {
        let path = writersDirectory + "/\(pid).lock"
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0   // closing the descriptor releases it
    }

    /// Removes writer lock files nobody holds (left by killed or finished processes).
    func removeAbandonedWriterLocks() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: writersDirectory)) ?? [] {
            guard name.hasSuffix(".lock"), let pid = Int32(name.dropLast(5)), pid != getpid() else { continue }
            let path = writersDirectory + "/" + name
            let fd = open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(fd)
        }
    }
}

/// A leftover temporary file in the store.
package struct TemporaryFile: Sendable, Equatable {
    /// Path relative to the store root (`blobs/sha256-tmp-…`).
    package var path: String
    package var size: Int64
    /// True when its writer is gone, so it can be deleted.
    package var isStale: Bool
}

extension ModelStore {
    /// Files in `blobs/` that are not blobs, and hidden temporaries under `manifests/`.
    /// Names with a writer pid are stale when that writer is gone; foreign names (another tool's
    /// partial downloads) only when older than an hour, as Ollama's own cleanup does.
    package func temporaryFiles(now: Date = Date()) -> [TemporaryFile] {
        var found: [TemporaryFile] = []
        func consider(_ relative: String) {
            let name = (relative as NSString).lastPathComponent
            guard let st = FileIO.status(root + "/" + relative), st.isRegular else { return }
            let stale: Bool
            if let pid = Temporaries.writerPID(of: name) {
                stale = temporaries.writerIsGone(pid)
            } else {
                stale = Double(st.mtimeNanoseconds) / 1e9 < now.timeIntervalSince1970 - 3600
            }
            found.append(TemporaryFile(path: relative, size: st.size, isStale: stale))
        }
        for name in blobs.allFileNames().sorted() where Digest(parsing: name) == nil || !name.hasPrefix("sha256-") {
            consider("blobs/" + name)
        }
        for relative in (FileManager.default.subpaths(atPath: manifestsDirectory) ?? []).sorted()
        where (relative as NSString).lastPathComponent.hasPrefix(".tmp-") {
            consider("manifests/" + relative)
        }
        return found
    }

    /// Deletes stale temporaries; returns what was deleted.
    @discardableResult
    package func removeStaleTemporaries() -> [TemporaryFile] {
        let stale = temporaryFiles().filter(\.isStale)
        for t in stale { unlink(root + "/" + t.path) }
        temporaries.removeAbandonedWriterLocks()
        return stale
    }
}
