import ModelfileLang
import Foundation
import ModelfileLang

/// Builds one Modelfile into a manifest in the store, doing only the work its changes require.
///
/// Steps, each reported as DONE or CACHED: the model (and adapter/draft) layers — a source file
/// is hashed only when its (device, inode, size, mtime) changed, and copied only when its blob is
/// missing; the text layers (template, system, licenses, params, messages); the config blob; the
/// manifest. A whole-build action key (inputs, source digests, base manifest, mfc version) lets a
/// no-op rebuild stop after a few `stat` calls without opening any model file.
package struct ModelBuilder: Sendable {
    package let store: ModelStore
    package let log: ActionLog
    let home: String

    /// A builder writing into `store`; `home` expands `~` in FROM/ADAPTER/DRAFT paths.
    package init(store: ModelStore, home: String = FileSystemProbe.homeDirectory()) {
        self.store = store
        self.log = ActionLog(path: store.stateDirectory + "/actions.log")
        self.home = home
    }

    /// Parses and builds a Modelfile text.
    package func build(modelfile text: String, directory: String, as name: ModelName,
                      options: BuildOptions = BuildOptions()) throws(StoreError) -> BuildResult {
        try build(try ModelfileFrontEnd.input(Array(text.utf8), path: "Modelfile", directory: directory), as: name, options: options)
    }

    /// Builds `input` as `name`.
    package func build(_ input: BuildInput, as name: ModelName, options: BuildOptions = BuildOptions()) throws(StoreError) -> BuildResult {
        guard name.isValid else { throw StoreError("invalid model name '\(name.displayShortest)'") }
        let clock = ContinuousClock()
        let start = clock.now
        var run = BuildRun(builder: self, name: store.canonical(name), options: options)
        let lock = try store.lock(exclusive: false)
        var previous: Manifest? = nil
        do {
            previous = try? store.manifest(run.name) ?? nil
            try run.execute(input)
            lock.unlock()
        } catch {
            lock.unlock()
            throw error
        }
        if options.prune, !options.dryRun, let previous, let now = run.manifest, previous != now {
            try prune(replaced: previous)
        }
        return BuildResult(name: run.name, manifestDigest: run.manifestDigest, steps: run.steps, warnings: run.warnings,
                           seconds: (clock.now - start).seconds)
    }

    /// Deletes blobs of a replaced manifest that no manifest references any more (under the
    /// exclusive lock, so no concurrent build is between writing a blob and its manifest).
    func prune(replaced: Manifest) throws(StoreError) {
        let lock = try store.lock(exclusive: true)
        defer { lock.unlock() }
        let used = store.referencedDigests()
        for d in Set(replaced.allDescriptors.map(\.digest)) where !used.contains(d) { store.blobs.remove(d) }
    }
}

/// The mutable state of one build.
struct BuildRun {
    let builder: ModelBuilder
    let name: ModelName
    let options: BuildOptions
    var steps: [BuildStep] = []
    var warnings: [String] = []
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

    mutating func record(_ name: String, _ status: StepStatus, _ detail: String, _ reason: String, since start: ContinuousClock.Instant) throws(StoreError) {
        steps.append(BuildStep(name: name, status: status, detail: detail, reason: reason, seconds: (clock.now - start).seconds))
        if let n = options.failAfterStep, steps.count == n { throw StoreError("injected failure after step \(n) (\(name))") }
    }

    mutating func execute(_ input: BuildInput) throws(StoreError) {
        let params = input.parameters.storedJSON
        warnings += input.deprecatedParameters.map { "parameter \($0) is deprecated" }
        let source = try SourceResolver.resolve(input.from, directory: input.directory, home: builder.home)

        // Fast path: the whole-build key. Source digests come from the stat cache only.
        let start = clock.now
        var sourceKeys: [String] = []
        var complete = true
        switch source {
        case .files(let files):
            for f in files + extraFiles(input) {
                guard let st = FileIO.status(f.path), let known = StatCache(log: log).digest(for: f.path, stat: st) else { complete = false; break }
                sourceKeys.append(f.relativeName + "=" + known.digest.description)
            }
        case .model(let base):
            guard let bytes = store.manifestBytes(base) else { throw StoreError("base model '\(base.displayShortest)' not found in \(store.root) (pulling is not supported)") }
            sourceKeys.append("base=" + base.path + "=" + Digest.of(bytes).description)
            for f in extraFiles(input) {
                guard let st = FileIO.status(f.path), let known = StatCache(log: log).digest(for: f.path, stat: st) else { complete = false; break }
                sourceKeys.append(f.relativeName + "=" + known.digest.description)
            }
        }
        let buildKey = self.buildKey(sourceKeys, input)
        if complete, !options.noCache, let cached = log.lookup("action", buildKey), let digest = Digest(parsing: cached),
           let bytes = store.manifestBytes(name), Digest.of(bytes) == digest, let m = try? Manifest(bytes: bytes),
           m.allDescriptors.allSatisfy({ store.blobs.contains($0.digest, size: $0.size) }) {
            for layer in m.layers { try record(stepName(layer.mediaType), .cached, describe(layer), "inputs unchanged", since: start) }
            try record("config", .cached, describe(m.config), "inputs unchanged", since: start)
            try record("manifest", .cached, digest.description, "inputs unchanged (action key \(buildKey.prefix(12)))", since: start)
            manifest = m
            manifestDigest = digest
            return
        }

        // Base layers.
        var layers: [Descriptor] = []
        var baseConfig: ModelConfig? = nil
        switch source {
        case .files(let files):
            guard !files.isEmpty else { throw StoreError("FROM names no model file") }
            for f in files { if let l = try importSource(f.path, relativeName: f.relativeName, forced: nil, step: "model") { layers.append(l) } }
            try addDetectedTemplate(to: &layers, hasTemplateLine: input.template?.isEmpty == false)
        case .model(let base):
            let t0 = clock.now
            guard let m = try store.manifest(base) else { throw StoreError("base model '\(base.displayShortest)' not found") }
            let short = base.displayShortest
            layers = m.layers.map { var l = $0; l.from = short; return l }
            if let bytes = FileIO.read(store.blobs.path(of: m.config.digest)) { baseConfig = try? ModelConfig(bytes: bytes) }
            try record("base", .cached, short, "inherits \(m.layers.count) layers of \(short)", since: t0)
        }
        for adapter in input.adapters {
            let path = try SourceResolver.expand(adapter, directory: input.directory, home: builder.home)
            if FileIO.status(path)?.isDirectory == true {
                layers.append(try importPEFTAdapter(path, relativeName: (path as NSString).lastPathComponent, base: layers))
                continue
            }
            if let l = try importSource(path, relativeName: (path as NSString).lastPathComponent, forced: nil, step: "adapter") { layers.append(l) }
        }
        try checkAdapterFit(layers)
        if let draft = input.draft {
            let path = try SourceResolver.expand(draft, directory: input.directory, home: builder.home)
            if let l = try importSource(path, relativeName: (path as NSString).lastPathComponent, forced: MediaType.draft, step: "draft") { layers.append(l) }
        }

        if let request = options.quantize {
            for i in layers.indices where layers[i].mediaType == MediaType.model { layers[i] = try quantizeLayer(layers[i], request) }
        }

        // User layers, in Ollama's order; each replaced kind moves to the end.
        if let t = input.template, !t.isEmpty {
            layers.removeAll { $0.mediaType == MediaType.template || $0.mediaType == MediaType.prompt }
            layers.append(try textLayer("template", MediaType.template, Array(t.utf8)))
        }
        if let s = input.system, !s.isEmpty {
            layers.removeAll { $0.mediaType == MediaType.system }
            layers.append(try textLayer("system", MediaType.system, Array(s.utf8)))
        }
        for license in input.licenses { layers.append(try textLayer("license", MediaType.license, Array(license.utf8))) }
        var merged = params
        for old in layers where old.mediaType == MediaType.params {
            guard let bytes = FileIO.read(store.blobs.path(of: old.digest)), case .object(let members)? = try? JSONValue.parse(bytes) else {
                throw StoreError("params layer \(old.digest) is missing or corrupt")
            }
            for (k, v) in members where merged[k] == nil { merged[k] = v }
        }
        layers.removeAll { $0.mediaType == MediaType.params }
        if !merged.isEmpty { layers.append(try textLayer("params", MediaType.params, JSONValue.sortedObject(merged).goEncoded)) }
        if !input.messages.isEmpty {
            layers.removeAll { $0.mediaType == MediaType.messages }
            let json = JSONValue.array(input.messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })
            layers.append(try textLayer("messages", MediaType.messages, json.goEncoded))
        }

        // Config.
        let t0 = clock.now
        var config = ModelConfig()
        if let base = baseConfig {
            config.modelFormat = base.modelFormat.isEmpty ? "gguf" : base.modelFormat
            config.renderer = base.renderer
            config.parser = base.parser
            config.requires = base.requires
            config.capabilities = base.capabilities
        }
        if let r = input.renderer { config.renderer = r }
        if let p = input.parser { config.parser = p }
        if let r = input.requires { config.requires = r }
        if pendingImport { try planRest(t0); return }
        for layer in layers where layer.mediaType == MediaType.model {
            let info = try ModelInfo.of(layer.digest, in: store, log: log)
            config.modelFamily = info.architecture
            config.modelFamilies.append(info.architecture)
            config.modelType = ModelConfig.humanNumber(info.parameterCount)
            config.fileType = info.fileType
        }
        let configDescriptor = try blob("config", MediaType.config, config.encoded, since: t0)

        // Manifest (early cutoff: identical bytes are not rewritten).
        let t1 = clock.now
        let m = Manifest(config: configDescriptor, layers: layers)
        let digest = Digest.of(m.encoded)
        if options.dryRun {
            let same = store.manifestBytes(name).map { Digest.of($0) } == digest
            try record("manifest", same ? .cached : .planned, digest.description, same ? "identical manifest exists" : "manifest would change", since: t1)
        } else {
            let (_, changed) = try store.writeManifest(m, as: name)
            try record("manifest", changed ? .done : .cached, digest.description,
                       changed ? "manifest content changed" : "identical manifest already stored (early cutoff)", since: t1)
            if complete || sourcesNowKnown(source, input) {
                let keys = try currentSourceKeys(source, input)
                log.record("action", self.buildKey(keys, input), digest.description)
            }
        }
        manifest = m
        manifestDigest = digest
    }

    /// Ollama's template auto-detection for models built from files: a template layer and a
    /// stop-only params layer after the model, chosen by ChatTemplateResolver from the file's Jinja
    /// chat template. Without a TEMPLATE line, a model whose chat format is not recognised gets a
    /// warning that names the template it will use.
    mutating func addDetectedTemplate(to layers: inout [Descriptor], hasTemplateLine: Bool) throws(StoreError) {
        guard !pendingImport else { return }
        guard let layer = layers.first(where: { $0.mediaType == MediaType.model }) else { return }
        let jinja = try TemplateDetection.jinja(of: layer.digest, location: layer.from.isEmpty ? "the model" : layer.from,
                                                store: store, log: log)
        let choice = try ChatTemplateResolver.resolve(jinja: jinja, named: options.namedTemplates)
        if let warning = choice.warning, !hasTemplateLine { warnings.append(warning) }
        guard choice.origin != .fallback else { return }
        layers.append(try textLayer("template", MediaType.template, Array(choice.template.utf8)))
        if !choice.stop.isEmpty {
            let params = JSONValue.object([("stop", .array(choice.stop.map { .string($0) }))])
            layers.append(try textLayer("params", MediaType.params, params.goEncoded))
        }
    }

    /// Settings of the whole-build key; `--quantize` adds its own so changing the type rebuilds.
    var buildKeySettings: [String: String] {
        ["name": name.path, "templates": options.namedTemplates?.directory ?? "", "chat-families": ChatTemplateFamily.version]
            .merging(options.quantize?.keySettings ?? [:]) { a, _ in a }
    }

    /// Set in a dry run when a model file would have to be hashed first.
    var pendingImport = false

    mutating func planRest(_ t0: ContinuousClock.Instant) throws(StoreError) {
        try record("config", .planned, "", "depends on a model file that is not hashed yet", since: t0)
        try record("manifest", .planned, "", "depends on a model file that is not hashed yet", since: t0)
    }

    /// ADAPTER and DRAFT files, which also key the whole build.
    func extraFiles(_ input: BuildInput) -> [(path: String, relativeName: String)] {
        (input.adapters + (input.draft.map { [$0] } ?? [])).compactMap { a in
            guard let p = try? SourceResolver.expand(a, directory: input.directory, home: builder.home) else { return nil }
            return (p, (p as NSString).lastPathComponent)
        }
    }

    func sourcesNowKnown(_ source: FromSource, _ input: BuildInput) -> Bool { (try? currentSourceKeys(source, input)) != nil }

    /// Source keys after the build: every file is in the stat cache now.
    func currentSourceKeys(_ source: FromSource, _ input: BuildInput) throws(StoreError) -> [String] {
        var keys: [String] = []
        var files = extraFiles(input)
        switch source {
        case .files(let f): files = f + files
        case .model(let base):
            guard let bytes = store.manifestBytes(base) else { throw StoreError("base vanished") }
            keys.append("base=" + base.path + "=" + Digest.of(bytes).description)
        }
        for f in files {
            guard let st = FileIO.status(f.path), let known = StatCache(log: log).digest(for: f.path, stat: st) else { throw StoreError("unknown source") }
            keys.append(f.relativeName + "=" + known.digest.description)
        }
        return keys
    }

    /// The whole-build action key: source digests, the Modelfile's content, the target name and
    /// the settings that change the output.
    func buildKey(_ sourceKeys: [String], _ input: BuildInput) -> String {
        ActionKey(kind: "build", version: 1, inputs: sourceKeys + [inputEncoding(input)],
                  settings: buildKeySettings).description
    }

    /// Everything in the input that affects the manifest, canonically encoded.
    func inputEncoding(_ input: BuildInput) -> String {
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

    /// Brings a source file into the store: its digest comes from the stat cache when the file is
    /// unchanged; it is read (hashed and copied in one pass) only when unknown or its blob is missing.
    mutating func importSource(_ path: String, relativeName: String, forced: String?, step: String) throws(StoreError) -> Descriptor? {
        let t0 = clock.now
        if let st = FileIO.status(path), st.isDirectory, step == "model" {
            return try importSafetensorsFolder(path, relativeName: relativeName, step: step)
        }
        guard let st = FileIO.status(path), st.isRegular else { throw StoreError("\(step) file not found: \(path)") }
        if path.hasSuffix(".safetensors") { throw SourceResolver.safetensorsFile(path) }
        let statCache = StatCache(log: log)
        var digest: Digest
        var size: Int64
        var status = StepStatus.cached
        var reason: String
        if let blobDigest = storeBlobDigest(path, st) {
            (digest, size) = (blobDigest, st.size)
            reason = "file is a blob of this store"
        } else if !options.noCache, let known = statCache.digest(for: path, stat: st), store.blobs.contains(known.digest, size: known.size) {
            (digest, size) = known
            reason = "file unchanged since last build (same device, inode, size, mtime); blob present"
        } else if options.dryRun {
            pendingImport = true
            try record(step, .planned, "\(relativeName) \(humanBytes(st.size))",
                       statCache.digest(for: path, stat: st) == nil ? "file is new or changed: would hash and copy it" : "blob missing: would copy it", since: t0)
            return Descriptor(mediaType: forced ?? MediaType.model, digest: Digest(bytes: []), size: st.size, from: relativeName)
        } else {
            reason = options.noCache ? "--no-cache" : (statCache.digest(for: path, stat: st) == nil ? "file is new or changed since last build" : "blob missing from store")
            let facts = BackgroundModelInfo(path: path)
            (digest, size) = try store.blobs.importFile(path, progress: options.progress)
            // importFile checked the source did not change meanwhile, so the facts belong to `digest`.
            if let info = facts.wait() { ModelInfo.remember(info, for: digest, log: log) }
            statCache.remember(digest, for: path, stat: st)
            status = .done
        }
        let info: ModelInfo
        do { info = try ModelInfo.of(digest, in: store, log: log) } catch { throw StoreError("\(relativeName): \(error.message)") }
        // Classification by content: an ADAPTER that is an ordinary model GGUF is a model layer.
        let mediaType = forced ?? info.mediaType
        if status == .done { log.record("from", digest.hex, relativeName) }
        let layer = Descriptor(mediaType: mediaType, digest: digest, size: size, from: fromName(for: path, relativeName: relativeName, digest: digest))
        try record(stepName(mediaType), status, describe(layer), reason, since: t0)
        return layer
    }

    /// A FROM/ADAPTER path that is itself a blob of this store needs no hashing: its name is its digest.
    func storeBlobDigest(_ path: String, _ st: FileStat) -> Digest? {
        let dir = (path as NSString).deletingLastPathComponent
        guard (dir as NSString).standardizingPath == (store.blobs.directory as NSString).standardizingPath,
              let d = Digest(parsing: (path as NSString).lastPathComponent), d.hex.count == 64 else { return nil }
        return d
    }

    /// The layer's `from`: the file's relative name; for a store blob (as `show --modelfile` prints
    /// it), the name the blob was originally imported under, so the rebuild gives the same manifest.
    func fromName(for path: String, relativeName: String, digest: Digest) -> String {
        guard Digest(parsing: relativeName) == digest else { return relativeName }
        if let recorded = log.lookup("from", digest.hex) { return recorded }
        return relativeName
    }

    mutating func textLayer(_ step: String, _ mediaType: String, _ bytes: [UInt8]) throws(StoreError) -> Descriptor {
        try blob(step, mediaType, bytes, since: clock.now)
    }

    /// Writes a small blob unless present.
    mutating func blob(_ step: String, _ mediaType: String, _ bytes: [UInt8], since t0: ContinuousClock.Instant) throws(StoreError) -> Descriptor {
        let digest = Digest.of(bytes)
        let size = Int64(bytes.count)
        let d = Descriptor(mediaType: mediaType, digest: digest, size: size)
        if store.blobs.contains(digest, size: size) && !options.noCache {
            try record(step, .cached, describe(d), "blob with this content already stored", since: t0)
        } else if options.dryRun {
            try record(step, .planned, describe(d), "content is new: would write blob", since: t0)
        } else {
            try store.blobs.write(bytes)
            try record(step, .done, describe(d), options.noCache ? "--no-cache" : "content is new", since: t0)
        }
        return d
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

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
