import Foundation

/// What `mfc verify` found.
package struct VerifyReport: Sendable {
    /// Blobs whose content does not hash to their name.
    package var corruptBlobs: [Digest] = []
    /// (model, digest) pairs where a manifest references a missing or wrong-sized blob.
    package var danglingReferences: [(ModelName, Digest)] = []
    /// Manifest files that do not parse.
    package var corruptManifests: [ModelName] = []
    /// Leftover temporary files of interrupted or running writes (not corruption; reported with
    /// their size, and whether their writer is gone so `prune` or the next build deletes them).
    package var temporaryFiles: [TemporaryFile] = []
    /// Blobs no manifest references (harmless; `mfc prune` deletes them).
    package var unreferencedBlobs: [Digest] = []
    package var blobsChecked = 0
    package var bytesHashed: Int64 = 0

    /// True when nothing is corrupt or dangling.
    package var isClean: Bool { corruptBlobs.isEmpty && danglingReferences.isEmpty && corruptManifests.isEmpty }

    /// Referenced blobs that are corrupt or missing: what `repair` tries to restore.
    package var damagedDigests: [Digest] {
        Array(Set(corruptBlobs + danglingReferences.map(\.1))).sorted()
    }
}

extension ModelStore {
    /// Re-hashes every blob and checks every manifest's references. Blobs found intact are
    /// remembered by their stat, so `run` need not hash them again.
    package func verify(progress: ProgressHandler? = nil) -> VerifyReport {
        var report = VerifyReport()
        var referenced = Set<Digest>()
        for name in modelNames() {
            guard let bytes = FileIO.read(manifestPath(name)), let m = try? Manifest(bytes: bytes) else {
                report.corruptManifests.append(name)
                continue
            }
            for d in m.allDescriptors {
                referenced.insert(d.digest)
                if !blobs.contains(d.digest, size: d.size) { report.danglingReferences.append((name, d.digest)) }
            }
        }
        let cache = StatCache(log: openActionLog())
        for file in blobs.allFileNames().sorted() {
            guard let digest = Digest(parsing: file), file.hasPrefix("sha256-") else { continue }
            let path = blobs.path(of: digest)
            let before = FileIO.status(path)
            guard let (actual, size) = try? blobs.hashFile(path, countAsSource: false, progress: progress) else {
                report.corruptBlobs.append(digest)
                continue
            }
            report.blobsChecked += 1
            report.bytesHashed += size
            if actual != digest {
                report.corruptBlobs.append(digest)
            } else if let before, FileIO.status(path) == before {
                cache.remember(digest, for: path, stat: before)
            }
            if !referenced.contains(digest) { report.unreferencedBlobs.append(digest) }
        }
        report.temporaryFiles = temporaryFiles()
        return report
    }
}
