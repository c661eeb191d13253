import ModelfileLang
import Foundation

/// The whole-build action key: the digests of every source (from the stat cache only, so no
/// model file is opened), the base manifest's digest, the Modelfile's content, the target name
/// and the settings that change the output. When the key maps to the stored manifest and every
/// blob it names is intact, the build is done without running a step.
struct WholeBuildKey {
    let input: BuildInput
    let source: FromSource
    /// `name=digest` of each source known to the stat cache.
    let sourceKeys: [String]
    /// False when some source is new or changed (its digest is not known without reading it).
    let complete: Bool
    let key: String

    init(input: BuildInput, source: FromSource, build: BuildRun) {
        self.input = input
        self.source = source
        let keys = try? WholeBuildKey.sourceKeys(input, source, build)
        sourceKeys = keys ?? []
        complete = keys != nil
        key = WholeBuildKey.key(sourceKeys, input, build)
    }

    /// Replays the stored manifest as all-CACHED steps when the key matches; false otherwise.
    func replay(_ build: inout BuildRun) throws(StoreError) -> Bool {
        let start = build.clock.now
        guard complete, !build.options.noCache, let cached = build.log.lookup("action", key), let digest = Digest(parsing: cached),
              let bytes = build.store.manifestBytes(build.name), Digest.of(bytes) == digest, let m = try? Manifest(bytes: bytes),
              build.store.firstDamagedBlob(of: m, cache: build.statCache) == nil else { return false }
        for layer in m.layers { try build.record(stepName(layer.mediaType), .cached, describe(layer), "inputs unchanged", since: start) }
        try build.record("config", .cached, describe(m.config), "inputs unchanged", since: start)
        try build.record("manifest", .cached, digest.description, "inputs unchanged (action key \(key.prefix(12)))", since: start)
        build.manifest = m
        build.manifestDigest = digest
        return true
    }

    /// After a build: maps the key (recomputed now that every source is in the stat cache) to the manifest.
    func remember(_ build: BuildRun) {
        guard let digest = build.manifestDigest, let keys = try? WholeBuildKey.sourceKeys(input, source, build) else { return }
        build.log.record("action", WholeBuildKey.key(keys, input, build), digest.description)
    }

    /// Source keys from the stat cache; throws when a source is unknown or changed.
    static func sourceKeys(_ input: BuildInput, _ source: FromSource, _ build: BuildRun) throws(StoreError) -> [String] {
        var keys: [String] = []
        var files = extraFiles(input, build)
        switch source {
        case .files(let f): files = f + files
        case .model(let base):
            guard let bytes = build.store.manifestBytes(base) else {
                throw StoreError("base model '\(base.displayShortest)' not found in \(build.store.root)")
            }
            keys.append("base=" + base.path + "=" + Digest.of(bytes).description)
        }
        for f in files {
            guard let st = FileIO.status(f.path), let known = build.statCache.digest(for: f.path, stat: st) else { throw StoreError("unknown source") }
            keys.append(f.relativeName + "=" + known.digest.description)
        }
        return keys
    }

    /// ADAPTER and DRAFT files, which also key the whole build.
    static func extraFiles(_ input: BuildInput, _ build: BuildRun) -> [(path: String, relativeName: String)] {
        (input.adapters + (input.draft.map { [$0] } ?? [])).compactMap { a in
            guard let p = try? SourceResolver.expand(a, directory: input.directory, home: build.builder.home) else { return nil }
            return (p, (p as NSString).lastPathComponent)
        }
    }

    static func key(_ sourceKeys: [String], _ input: BuildInput, _ build: BuildRun) -> String {
        let settings = ["name": build.name.path, "templates": build.options.namedTemplates?.directory ?? "", "chat-families": ChatTemplateFamily.version]
            .merging(build.options.quantize?.keySettings ?? [:]) { a, _ in a }
        return ActionKey(kind: "build", version: 1, inputs: sourceKeys + [inputEncoding(input)], settings: settings).description
    }

    /// Everything in the input that affects the manifest, canonically encoded.
    static func inputEncoding(_ input: BuildInput) -> String {
        func s(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
        return JSONValue.object([
            ("from", .array(input.from.map { .string($0) })), ("dir", .string(input.directory)),
            ("template", s(input.template)), ("system", s(input.system)),
            ("parameters", JSONValue.sortedObject(input.parameters.storedJSON)),
            ("licenses", .array(input.licenses.map { .string($0) })),
            ("messages", .array(input.messages.map { .array([.string($0.role), .string($0.content)]) })),
            ("adapters", .array(input.adapters.map { .string($0) })),
            ("requires", s(input.requires)), ("renderer", s(input.renderer)), ("parser", s(input.parser)), ("draft", s(input.draft)),
        ]).goEncodedString
    }
}
