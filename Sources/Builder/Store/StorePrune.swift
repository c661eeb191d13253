import Foundation

/// What `mfc prune` deleted.
package struct PruneReport: Sendable {
    package var blobs: [(digest: Digest, size: Int64)] = []
    package var temporaries: [TemporaryFile] = []
    package var bytesFreed: Int64 { blobs.reduce(0) { $0 + $1.size } + temporaries.reduce(0) { $0 + $1.size } }
}

extension ModelStore {
    /// Ollama's prune: deletes every blob no manifest references, stale temporaries and empty
    /// manifest folders. Runs under the exclusive lock: builds hold the shared lock from their
    /// first blob write to their manifest write, so no blob about to be named is deleted.
    package func prune() throws(StoreError) -> PruneReport {
        let lock = try self.lock(exclusive: true)
        defer { lock.unlock() }
        var report = PruneReport()
        let used = referencedDigests()
        for name in blobs.allFileNames().sorted() {
            guard name.hasPrefix("sha256-"), let digest = Digest(parsing: name), !used.contains(digest) else { continue }
            let size = FileIO.status(blobs.path(of: digest))?.size ?? 0
            blobs.remove(digest)
            report.blobs.append((digest, size))
        }
        report.temporaries = removeStaleTemporaries()
        removeEmptyManifestDirectories()
        return report
    }
}
