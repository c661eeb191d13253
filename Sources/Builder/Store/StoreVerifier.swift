/// What `mfc verify` found.
package struct VerifyReport: Sendable {
    /// Blobs whose content does not hash to their name.
    package var corruptBlobs: [Digest] = []
    /// (model, digest) pairs where a manifest references a missing or wrong-sized blob.
    package var danglingReferences: [(ModelName, Digest)] = []
    /// Manifest files that do not parse.
    package var corruptManifests: [ModelName] = []
    /// Leftover temporary files from interrupted writes (harmless, reported only).
    package var temporaryFiles: [String] = []
    /// Blobs no manifest references (harmless).
    package var unreferencedBlobs: [Digest] = []
    package var blobsChecked = 0
    package var bytesHashed: Int64 = 0

    /// True when nothing is corrupt or dangling.
    package var isClean: Bool { corruptBlobs.isEmpty && danglingReferences.isEmpty && corruptManifests.isEmpty }
}

extension ModelStore {
    /// Re-hashes every blob and checks every manifest's references.
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
        for file in blobs.allFileNames().sorted() {
            guard let digest = Digest(parsing: file), file.hasPrefix("sha256-") else {
                report.temporaryFiles.append(file)
                continue
            }
            let path = blobs.path(of: digest)
            guard let (actual, size) = try? blobs.hashFile(path, countAsSource: false, progress: progress) else {
                report.corruptBlobs.append(digest)
                continue
            }
            report.blobsChecked += 1
            report.bytesHashed += size
            if actual != digest { report.corruptBlobs.append(digest) }
            if !referenced.contains(digest) { report.unreferencedBlobs.append(digest) }
        }
        return report
    }
}
