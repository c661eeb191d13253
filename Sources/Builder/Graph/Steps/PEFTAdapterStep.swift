import Foundation
import Runtime

/// Converts an ADAPTER folder in PEFT format to a GGUF LoRA layer for the model layer.
///
/// Input: the folder and the base model layer. Key: an action key over every file's stat and
/// the base layer's digest. Output: the adapter layer.
struct PEFTAdapterStep: BuildAction {
    let path: String
    let relativeName: String

    func run(_ build: inout BuildRun) throws(StoreError) {
        let t0 = build.clock.now
        guard let baseLayer = build.layers.first(where: { $0.mediaType == MediaType.model }) else {
            throw StoreError("ADAPTER \(relativeName): there is no base model layer to apply it to")
        }
        let key = ActionKey(kind: "import-peft-adapter", version: 1, inputs: folderStatKeys(path) + [baseLayer.digest.description],
                            settings: ["dir": path]).description
        if try build.appendCached(key, step: "adapter", mediaType: MediaType.adapter, from: relativeName,
                                  reason: "adapter folder and base model unchanged since the last import", since: t0) {
            return
        }
        if build.options.dryRun {
            try build.appendPlanned(step: "adapter", mediaType: MediaType.adapter, from: relativeName, detail: "\(relativeName) (PEFT LoRA)",
                                    reason: "folder is new or changed: would convert it to a GGUF LoRA", since: t0)
            return
        }
        // The team's build cache (`--cache`), keyed by the folder's content and the base layer.
        let sharedKey = build.sharesOutputs ? ActionKey(kind: "import-peft-adapter", version: 1,
                                                        inputs: try build.folderContentKeys(path) + [baseLayer.digest.description],
                                                        settings: [:]).description : ""
        if build.sharesOutputs, try build.appendShared(sharedKey, kind: "adapter", localKey: key, step: "adapter", mediaType: MediaType.adapter,
                                                       from: relativeName, reason: "another machine converted this adapter for this base and shared it", since: t0) {
            return
        }
        let base: GGUFFile
        do { base = try GGUFFile(path: build.store.blobs.path(of: baseLayer.digest)) } catch { throw StoreError("base model layer: \(error.message)") }
        let heads = base.archValue("attention.head_count")?.int ?? 0
        try FileIO.makeDirectory(build.store.blobs.directory)
        let temp = try build.store.temporaries.path(in: build.store.blobs.directory, kind: "adapter", suffix: ".gguf")
        defer { unlink(temp) }
        let summary = try PEFTAdapterImporter.importFolder(path, baseArchitecture: base.architecture ?? "",
                                                           baseHeads: (heads, base.archValue("attention.head_count_kv")?.int ?? heads), to: temp)
        try build.appendConverted(temp, key: key, sharedKey: sharedKey, kind: "adapter", step: "adapter", mediaType: MediaType.adapter,
                                  from: relativeName, detail: " (LoRA r=\(summary.rank) alpha=\(summary.alpha), \(summary.pairCount) tensors)",
                                  reason: "adapter folder is new or changed", since: t0)
    }
}

/// Refuses the build when an adapter layer does not fit the model layer, listing every mismatch.
/// Input: the layers so far. No output and no record: a check between steps.
struct AdapterFitStep: BuildAction {
    func run(_ build: inout BuildRun) throws(StoreError) {
        guard !build.options.dryRun, let baseLayer = build.layers.first(where: { $0.mediaType == MediaType.model }) else { return }
        let adapters = build.layers.filter { $0.mediaType == MediaType.adapter }
        guard !adapters.isEmpty, let base = try? GGUFFile(path: build.store.blobs.path(of: baseLayer.digest)) else { return }
        for layer in adapters {
            guard let adapter = try? GGUFFile(path: build.store.blobs.path(of: layer.digest)) else {
                throw StoreError("ADAPTER \(layer.from): not a readable GGUF adapter")
            }
            let problems = AdapterFit.problems(adapter: adapter, base: base)
            if !problems.isEmpty {
                throw StoreError("ADAPTER \(layer.from) does not fit the base model:\n  - " + problems.joined(separator: "\n  - "))
            }
        }
    }
}
