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
    /// The layers assembled so far, in manifest order.
    var layers: [Descriptor] = []
    /// The config of a FROM base model, whose fields carry over.
    var baseConfig: ModelConfig? = nil
    /// Set in a dry run when a model file would have to be hashed first.
    var pendingImport = false
    /// Model layers converted from safetensors folders in this build (they get family templates).
    var importedFolders: Set<Digest> = []
    var config: Descriptor? = nil
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
        let (params, paramWarnings) = try ParameterTable.typed(input.parameters)
        warnings += paramWarnings
        let source = try SourceResolver.resolve(input.from, directory: input.directory, home: builder.home)
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
            try store.blobs.write(bytes)
            store.blobs.remember(digest, cache: statCache)
            try record(step, .done, describe(d), options.noCache ? "--no-cache" : "content is new", since: t0)
        }
        return d
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
