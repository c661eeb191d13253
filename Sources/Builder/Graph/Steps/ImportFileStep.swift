import Foundation

/// Brings one model file (FROM, ADAPTER or DRAFT) into the store as a layer.
///
/// Input: the file. Key: its digest, remembered by (device, inode, size, mtime) in the stat
/// cache, so an unchanged file is never read again. Output: the layer, classified by content
/// (an ADAPTER that is an ordinary model GGUF is a model layer) unless `forcedMediaType` is set.
/// The file is read (hashed and copied in one pass) only when it is new or changed, or its blob
/// is missing or damaged; it must be a GGUF before it becomes a blob.
struct ImportFileStep: BuildAction {
    let path: String
    let relativeName: String
    let forcedMediaType: String?
    /// `model`, `adapter` or `draft`.
    let name: String

    func run(_ build: inout BuildRun) throws(StoreError) {
        let t0 = build.clock.now
        guard let st = FileIO.status(path) else { throw StoreError("\(name) file not found: \(path)") }
        guard st.isRegular else { throw StoreError("\(name) file \(path) is \(st.kindDescription), not a model file") }
        if path.hasSuffix(".safetensors") { throw SourceResolver.safetensorsFile(path) }
        let statCache = build.statCache
        var digest: Digest
        var size: Int64
        var status = StepStatus.cached
        var reason: String
        if let blobDigest = storeBlobDigest(build.store, st) {
            guard build.store.blobs.isIntact(blobDigest, size: st.size, cache: statCache, trustStat: !build.options.noCache) else {
                throw StoreError("\(path) is a blob of this store whose content does not match its digest; run 'mfc verify --repair'")
            }
            (digest, size) = (blobDigest, st.size)
            reason = "file is a blob of this store"
        } else if let known = statCache.digest(for: path, stat: st), build.reusable(known.digest, size: known.size) {
            (digest, size) = known
            reason = "file unchanged since last build (same device, inode, size, mtime); blob present and intact"
        } else if build.options.dryRun {
            build.pendingImport = true
            try build.appendPlanned(step: name, mediaType: forcedMediaType ?? MediaType.model, from: relativeName, size: st.size,
                                    detail: "\(relativeName) \(humanBytes(st.size))",
                                    reason: statCache.digest(for: path, stat: st) == nil ? "file is new or changed: would hash and copy it"
                                                                                         : "blob missing or damaged: would copy it", since: t0)
            return
        } else {
            reason = build.options.noCache ? "--no-cache"
                : (statCache.digest(for: path, stat: st) == nil ? "file is new or changed since last build" : "blob missing or damaged")
            let facts = BackgroundModelInfo(path: path)
            let path = self.path, relativeName = self.relativeName
            (digest, size) = try build.store.blobs.importFile(path, progress: build.options.progress) { () throws(StoreError) in
                // Checked before the copy becomes a blob: a file that is not a model leaves nothing behind.
                if case .failure(let error) = facts.wait() { throw StoreError("\(relativeName): \(error.message)") }
            }
            // importFile checked the source did not change meanwhile, so the facts belong to `digest`.
            if case .success(let info) = facts.wait() { ModelInfo.remember(info, for: digest, log: build.log) }
            statCache.remember(digest, for: path, stat: st)
            build.store.blobs.remember(digest, cache: statCache)
            status = .done
        }
        let info: ModelInfo
        do { info = try ModelInfo.of(digest, in: build.store, log: build.log) } catch { throw StoreError("\(relativeName): \(error.message)") }
        let mediaType = forcedMediaType ?? info.mediaType
        if status == .done { build.log.record("from", digest.hex, relativeName) }
        let layer = Descriptor(mediaType: mediaType, digest: digest, size: size, from: fromName(build.log, digest: digest))
        try build.record(stepName(mediaType), status, describe(layer), reason, since: t0)
        build.layers.append(layer)
    }

    /// A path that is itself a blob of this store needs no hashing: its name is its digest.
    func storeBlobDigest(_ store: ModelStore, _ st: FileStat) -> Digest? {
        let dir = (path as NSString).deletingLastPathComponent
        guard (dir as NSString).standardizingPath == (store.blobs.directory as NSString).standardizingPath,
              let d = Digest(parsing: (path as NSString).lastPathComponent), d.hex.count == 64 else { return nil }
        return d
    }

    /// The layer's `from`: the file's relative name; for a store blob (as `show --modelfile` prints
    /// it), the name the blob was originally imported under, so the rebuild gives the same manifest.
    func fromName(_ log: ActionLog, digest: Digest) -> String {
        guard Digest(parsing: relativeName) == digest else { return relativeName }
        return log.lookup("from", digest.hex) ?? relativeName
    }
}
