import Foundation

/// One step of a build as a value: its stored properties are its inputs, its doc comment says
/// what its result is cached under (an action key in the action log, a source's stat key, or the
/// content digest of what it writes), and `run` adds its output (a layer, the config, the
/// manifest) to the build.
protocol BuildAction: Sendable {
    /// Runs the step against the build so far.
    func run(_ build: inout BuildRun) throws(StoreError)
}

/// The executor: the state of one build, threaded through the steps of its plan.
struct BuildRun {
    let builder: ModelBuilder
    let name: ModelName
    let options: BuildOptions
    var steps: [BuildStep] = []
    var warnings: [String] = []
    /// How the inputs were read, for the user (not a problem).
    var notes: [String] = []
    /// The layers assembled so far, in manifest order.
    var layers: [Descriptor] = []
    /// The config of a FROM base model, whose fields carry over.
    var baseConfig: ModelConfig? = nil
    /// Set in a dry run when a model file would have to be hashed first.
    var pendingImport = false
    var config: Descriptor? = nil
    /// Stop words of a detected chat template (the params layer's `stop` unless set otherwise).
    var detectedStop: [String] = []
    /// Small blobs made by this build, written only if the manifest names them (a detected
    /// template that a TEMPLATE line replaces never reaches the store).
    var pendingBlobs: [Digest: [UInt8]] = [:]
    var manifest: Manifest? = nil
    var manifestDigest: Digest? = nil
    let clock = ContinuousClock()

    init(builder: ModelBuilder, name: ModelName, options: BuildOptions) {
        self.builder = builder
        self.name = name
        self.options = options
    }

    var store: ModelStore { builder.store }
    var log: ActionLog { builder.log }
    var statCache: StatCache { builder.statCache }

    /// Walks the plan of `input`, unless the whole-build key shows the stored manifest is current.
    mutating func execute(_ input: BuildInput) throws(StoreError) {
        let params = input.parameters.storedJSON
        warnings += input.deprecatedParameters.map { "parameter \($0) is deprecated" }
        let source = try SourceResolver.resolve(input.from, directory: input.directory, home: builder.home, notes: &notes)
        if case .model(let base) = source, !options.dryRun, store.manifestBytes(base) == nil, let pull = options.pullBase {
            let t0 = clock.now
            try pull(base)
            try record("pull", .done, base.displayShortest, "FROM names a model the store lacked", since: t0)
        }
        let whole = WholeBuildKey(input: input, source: source, build: self)
        if try whole.replay(&self) { return }
        for step in try BuildPlan.steps(for: input, source: source, parameters: params, build: self) {
            try step.run(&self)
        }
        if manifest != nil, !options.dryRun { whole.remember(self) }
    }

    /// Appends a step line; the failure-injection hook fires here.
    mutating func record(_ name: String, _ status: StepStatus, _ detail: String, _ reason: String, since start: ContinuousClock.Instant) throws(StoreError) {
        steps.append(BuildStep(name: name, status: status, detail: detail, reason: reason, seconds: (clock.now - start).seconds))
        if let n = options.failAfterStep, steps.count == n { throw StoreError("injected failure after step \(n) (\(name))") }
    }

    /// Writes a small content-addressed blob unless an intact copy is stored (its digest is its key).
    mutating func blob(_ step: String, _ mediaType: String, _ bytes: [UInt8], since t0: ContinuousClock.Instant) throws(StoreError) -> Descriptor {
        let digest = Digest.of(bytes)
        let size = Int64(bytes.count)
        let d = Descriptor(mediaType: mediaType, digest: digest, size: size)
        if !options.noCache && store.blobs.isIntact(digest, size: size, cache: statCache) {
            try record(step, .cached, describe(d), "blob with this content already stored", since: t0)
        } else if options.dryRun {
            try record(step, .planned, describe(d), "content is new: would write blob", since: t0)
        } else {
            pendingBlobs[digest] = bytes
            try record(step, .done, describe(d), options.noCache ? "--no-cache" : "content is new", since: t0)
        }
        return d
    }

    /// The content of a layer so far: a pending blob of this build, else the stored blob.
    func content(of d: Descriptor) -> [UInt8]? {
        pendingBlobs[d.digest] ?? FileIO.read(store.blobs.path(of: d.digest))
    }

    /// Writes the pending blobs that `manifest` names, before the manifest itself.
    func writePendingBlobs(of manifest: Manifest) throws(StoreError) {
        for d in manifest.allDescriptors {
            guard let bytes = pendingBlobs[d.digest] else { continue }
            try store.blobs.write(bytes)
            store.blobs.remember(d.digest, cache: statCache)
        }
    }

    /// Brings a file an action converted into the store and records it as the output of `key`.
    func storeOutput(_ temp: String, key: String) throws(StoreError) -> (digest: Digest, size: Int64) {
        let (digest, size) = try store.blobs.importFile(temp, progress: options.progress)
        store.blobs.remember(digest, cache: statCache)
        log.record("action", key, "\(digest.description) \(size)")
        return (digest, size)
    }

    /// Whether a cached action's output blob can be reused: present and intact (`--no-cache`: never).
    func reusable(_ digest: Digest, size: Int64) -> Bool {
        !options.noCache && store.blobs.isIntact(digest, size: size, cache: statCache)
    }

    /// The output the action log holds for `key`, when its blob can be reused.
    func cachedOutput(_ key: String) -> (digest: Digest, size: Int64)? {
        guard let cached = log.lookup("action", key), let (digest, size) = parseBlobReference(cached),
              reusable(digest, size: size) else { return nil }
        return (digest, size)
    }

    /// For the import steps: appends the layer an earlier build made for `key` (recording the step
    /// line with `reason`) and returns true; false when there is none to reuse.
    mutating func appendCached(_ key: String, step: String, mediaType: String, from source: String, reason: String,
                               since t0: ContinuousClock.Instant) throws(StoreError) -> Bool {
        guard let (digest, size) = cachedOutput(key) else { return false }
        let d = Descriptor(mediaType: mediaType, digest: digest, size: size, from: source)
        try record(step, .cached, describe(d), reason, since: t0)
        layers.append(d)
        return true
    }

    /// For the import steps in a dry run: records the planned step and appends a stand-in (no
    /// digest; `size` when known) for the layer it would make.
    mutating func appendPlanned(step: String, mediaType: String, from source: String, size: Int64 = 0, detail: String, reason: String,
                                since t0: ContinuousClock.Instant) throws(StoreError) {
        try record(step, .planned, detail, reason, since: t0)
        layers.append(Descriptor(mediaType: mediaType, digest: Digest(bytes: []), size: size, from: source))
    }
}

/// The step name shown for a layer's media type.
func stepName(_ mediaType: String) -> String {
    switch mediaType {
    case MediaType.model: return "model"
    case MediaType.projector: return "projector"
    case MediaType.adapter: return "adapter"
    case MediaType.draft: return "draft"
    case MediaType.template, MediaType.prompt: return "template"
    case MediaType.system: return "system"
    case MediaType.params: return "params"
    case MediaType.messages: return "messages"
    case MediaType.license: return "license"
    case MediaType.config: return "config"
    default: return "layer"
    }
}

func describe(_ d: Descriptor) -> String {
    "sha256:\(d.digest.shortID) \(humanBytes(d.size))" + (d.from.isEmpty ? "" : " from \(d.from)")
}
