/// FROM a stored model: its layers (marked as inherited) and its config become the base.
///
/// Input: the base model's manifest. Key: the manifest's digest (part of the whole-build key).
/// Output: the inherited layers, each checked intact; nothing is written.
struct BaseModelStep: BuildAction {
    let base: ModelName

    func run(_ build: inout BuildRun) throws(StoreError) {
        let t0 = build.clock.now
        guard let m = try build.store.manifest(base) else {
            throw StoreError("base model '\(base.displayShortest)' not found in \(build.store.root)")
        }
        let short = base.displayShortest
        // A new model must not point at a damaged blob (`--no-cache` hashes each one again).
        for d in m.allDescriptors where !build.store.blobs.isIntact(d.digest, size: d.size, cache: build.statCache, trustStat: !build.options.noCache) {
            throw StoreError("base model '\(short)' is damaged: blob \(d.digest) (\(stepName(d.mediaType))) does not match its digest or is missing; "
                             + "run 'mfc verify --repair' or rebuild '\(short)'")
        }
        build.layers = m.layers.map { var l = $0; l.from = short; return l }
        if let bytes = FileIO.read(build.store.blobs.path(of: m.config.digest)) { build.baseConfig = try? ModelConfig(bytes: bytes) }
        try build.record("base", .cached, short, "inherits \(m.layers.count) layers of \(short)", since: t0)
    }
}
