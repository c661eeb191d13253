import Foundation

/// How the expensive steps (a safetensors import, a PEFT adapter conversion, a quantization) use
/// the team's build cache (`--cache`, `RemoteActionCache`): after a local miss they ask it by a
/// key of the step's content, not of paths or inodes, so another machine with the same inputs
/// finds the same entry; after doing the work they offer the output. Copying a GGUF is not
/// shared: keying it means reading the whole file, which is the work itself.
extension BuildRun {
    /// Whether this build talks to a shared cache (a dry run never does; `--no-cache` only offers).
    var sharesOutputs: Bool { options.remoteCache != nil && !options.dryRun }

    /// "name sha256:<hex>" for every visible file of a folder, sorted by name: a folder's content.
    /// Each file is hashed once; later builds take its digest from the stat cache.
    func folderContentKeys(_ dir: String) throws(StoreError) -> [String] {
        var keys: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let path = dir + "/" + name
            guard let st = FileIO.status(path), st.isRegular else { continue }
            let digest: Digest
            if let known = statCache.digest(for: path, stat: st) {
                digest = known.digest
            } else {
                digest = try store.blobs.hashFile(path).digest
                statCache.remember(digest, for: path, stat: st)
            }
            keys.append("\(name) \(digest)")
        }
        return keys
    }

    /// The output of the action `sharedKey` from the shared cache, recorded in the local action
    /// log under `localKey` so the next build here finds it without asking. Nil on a miss.
    func fetchShared(_ sharedKey: String, kind: String, localKey: String) -> (digest: Digest, size: Int64)? {
        guard sharesOutputs, !options.noCache, let remote = options.remoteCache,
              let (digest, size) = remote.fetch(sharedKey, kind: kind, into: store.blobs) else { return nil }
        store.blobs.remember(digest, cache: statCache)
        log.record("action", localKey, "\(digest.description) \(size)")
        return (digest, size)
    }

    /// For the import steps: on a shared-cache hit, appends the downloaded layer (recording the
    /// step line with `reason`) and returns true.
    mutating func appendShared(_ sharedKey: String, kind: String, localKey: String, step: String, mediaType: String,
                               from source: String, reason: String, since t0: ContinuousClock.Instant) throws(StoreError) -> Bool {
        guard let (digest, size) = fetchShared(sharedKey, kind: kind, localKey: localKey) else { return false }
        let d = Descriptor(mediaType: mediaType, digest: digest, size: size, from: source)
        try record(step, .cached, describe(d) + fromSharedCache, reason, since: t0)
        layers.append(d)
        return true
    }

    /// For the import steps: brings the converted file `temp` in as the output of `key`, offers it
    /// to the shared cache under `sharedKey`, records the step line (`detail` after the layer's
    /// description) and appends the layer.
    mutating func appendConverted(_ temp: String, key: String, sharedKey: String, kind: String, step: String, mediaType: String,
                                  from source: String, detail: String, reason: String, since t0: ContinuousClock.Instant) throws(StoreError) {
        let (digest, size) = try storeOutput(temp, key: key)
        offerShared(sharedKey, kind: kind, digest: digest, size: size, mediaType: mediaType)
        let d = Descriptor(mediaType: mediaType, digest: digest, size: size, from: source)
        try record(step, .done, describe(d) + detail, reason, since: t0)
        layers.append(d)
    }

    /// Offers an action's output blob to the shared cache.
    func offerShared(_ sharedKey: String, kind: String, digest: Digest, size: Int64, mediaType: String) {
        guard sharesOutputs, let remote = options.remoteCache else { return }
        remote.store(sharedKey, kind: kind, digest: digest, size: size, mediaType: mediaType, from: store.blobs)
    }
}

/// The words a step line adds when its output came from the shared cache.
let fromSharedCache = " downloaded from the build cache"
