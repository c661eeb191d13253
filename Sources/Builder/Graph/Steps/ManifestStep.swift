/// The manifest: the config and the layers, written atomically under the model's name.
///
/// Input: the config descriptor and the layers. Key: the manifest's digest; identical bytes
/// are not rewritten (early cutoff). Output: the stored manifest and its digest.
struct ManifestStep: BuildAction {
    func run(_ build: inout BuildRun) throws(StoreError) {
        let t1 = build.clock.now
        guard !build.pendingImport, let config = build.config else {
            try build.record("manifest", .planned, "", "depends on a model file that is not hashed yet", since: t1)
            return
        }
        let m = Manifest(config: config, layers: build.layers)
        let digest = Digest.of(m.encoded)
        if build.options.dryRun {
            let same = build.store.manifestBytes(build.name).map { Digest.of($0) } == digest
            try build.record("manifest", same ? .cached : .planned, digest.description,
                             same ? "identical manifest exists" : "manifest would change", since: t1)
        } else {
            try build.writePendingBlobs(of: m)
            let (_, changed) = try build.store.writeManifest(m, as: build.name)
            try build.record("manifest", changed ? .done : .cached, digest.description,
                             changed ? "manifest content changed" : "identical manifest already stored (early cutoff)", since: t1)
        }
        build.manifest = m
        build.manifestDigest = digest
    }
}
