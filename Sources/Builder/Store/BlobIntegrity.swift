import Foundation

extension BlobStore {
    /// True when the blob exists and its content hashes to `digest`. A blob whose (device, inode,
    /// size, mtime) was verified before is trusted without reading it; otherwise it is hashed and,
    /// when intact, remembered. `trustStat: false` (`--no-cache`) always hashes.
    package func isIntact(_ digest: Digest, size: Int64, cache: StatCache, trustStat: Bool = true) -> Bool {
        let p = path(of: digest)
        guard let st = FileIO.status(p), st.isRegular, st.size == size else { return false }
        if trustStat, cache.digest(for: p, stat: st)?.digest == digest { return true }
        guard let (actual, _) = try? hashFile(p, countAsSource: false), actual == digest else { return false }
        cache.remember(digest, for: p, stat: st)
        return true
    }

    /// Records that the blob now at `digest`'s path holds that content (just written or verified).
    package func remember(_ digest: Digest, cache: StatCache) {
        let p = path(of: digest)
        if let st = FileIO.status(p) { cache.remember(digest, for: p, stat: st) }
    }
}

extension ModelStore {
    /// The build cache of this store (action log), as a fresh process would read it.
    package func openActionLog() -> ActionLog { ActionLog(path: stateDirectory + "/actions.log") }

    /// The first blob of `manifest` that is missing or whose content does not match its digest.
    package func firstDamagedBlob(of manifest: Manifest, cache: StatCache) -> Descriptor? {
        manifest.allDescriptors.first { !blobs.isIntact($0.digest, size: $0.size, cache: cache) }
    }

    /// Refuses to hand out a model whose blobs are damaged, naming the blob and the way out.
    package func checkBlobs(of model: ResolvedModel) throws(StoreError) {
        guard let bad = firstDamagedBlob(of: model.manifest, cache: StatCache(log: openActionLog())) else { return }
        let what = bad == model.manifest.config ? "config" : stepName(bad.mediaType) + " layer"
        let problem = FileIO.exists(blobs.path(of: bad.digest)) ? "its content does not match its digest" : "it is missing"
        throw StoreError("model '\(model.name.displayShortest)' is damaged: blob \(bad.digest) (\(what)) is unusable: \(problem); "
                         + "run 'mfc verify --repair' to restore it from its source, or rebuild the model")
    }
}
