import Foundation
import Runtime

extension HFCheckpoint {
    /// True for a folder that holds a Hugging Face model: config.json and model weights in safetensors
    /// (a PEFT adapter folder has adapter_config.json instead).
    static func isModelFolder(_ names: [String]) -> Bool {
        names.contains("config.json") && !names.contains("adapter_config.json")
            && names.contains { $0.hasSuffix(".safetensors") && !$0.hasPrefix("adapter_model") }
    }
}

extension BuildRun {
    /// The import action for a FROM safetensors folder: keyed by the (name, size, mtime, inode) of every
    /// file in it, so an unchanged folder is never read again; the converted GGUF becomes the model blob.
    mutating func importSafetensorsFolder(_ dir: String, relativeName: String, step: String) throws(StoreError) -> Descriptor {
        let t0 = clock.now
        let stats = folderStatKeys(dir)
        let key = ActionKey(kind: "import-safetensors", version: 2, inputs: stats, settings: ["dir": dir]).description
        if !options.noCache, let cached = log.lookup("action", key), let (digest, size) = parseBlobReference(cached),
           store.blobs.contains(digest, size: size) {
            let d = Descriptor(mediaType: MediaType.model, digest: digest, size: size, from: relativeName)
            try record(step, .cached, describe(d), "safetensors folder unchanged since its last import (every file's size, mtime, inode)", since: t0)
            return d
        }
        if options.dryRun {
            pendingImport = true
            try record(step, .planned, "\(relativeName) (safetensors)", "folder is new or changed: would convert it to GGUF", since: t0)
            return Descriptor(mediaType: MediaType.model, digest: Digest(bytes: []), size: 0, from: relativeName)
        }
        let temp = store.blobs.directory + "/import-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).gguf"
        try FileIO.makeDirectory(store.blobs.directory)
        defer { unlink(temp) }
        let summary = try SafetensorsImporter.importFolder(dir, to: temp)
        let (digest, size) = try store.blobs.importFile(temp, progress: options.progress)
        log.record("action", key, "\(digest.description) \(size)")
        let d = Descriptor(mediaType: MediaType.model, digest: digest, size: size, from: relativeName)
        try record(step, .done, describe(d) + " (\(summary.architecture), \(summary.tensorCount) tensors from safetensors)",
                   "folder is new or changed since its last import", since: t0)
        return d
    }
}

/// "name size mtime device inode" of every visible file in a folder, sorted: the import actions' fast key.
func folderStatKeys(_ dir: String) -> [String] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    return names.compactMap { name -> String? in
        guard let st = FileIO.status(dir + "/" + name), st.isRegular else { return nil }
        return "\(name) \(st.size) \(st.mtimeNanoseconds) \(st.device) \(st.inode)"
    }
}

/// "sha256:<hex> <size>" as the import and quantize actions record their outputs.
func parseBlobReference(_ text: String) -> (Digest, Int64)? {
    let parts = text.split(separator: " ")
    guard parts.count == 2, let digest = Digest(parsing: String(parts[0])), let size = Int64(parts[1]) else { return nil }
    return (digest, size)
}

extension BuildRun {
    /// An ADAPTER folder in PEFT format, converted to a GGUF LoRA for the model layer in `layers`
    /// (cached like the safetensors import, keyed also by the base layer).
    mutating func importPEFTAdapter(_ dir: String, relativeName: String, base layers: [Descriptor]) throws(StoreError) -> Descriptor {
        let t0 = clock.now
        guard let baseLayer = layers.first(where: { $0.mediaType == MediaType.model }) else {
            throw StoreError("ADAPTER \(relativeName): there is no base model layer to apply it to")
        }
        let stats = folderStatKeys(dir)
        let key = ActionKey(kind: "import-peft-adapter", version: 1, inputs: stats + [baseLayer.digest.description], settings: ["dir": dir]).description
        if !options.noCache, let cached = log.lookup("action", key), let (digest, size) = parseBlobReference(cached),
           store.blobs.contains(digest, size: size) {
            let d = Descriptor(mediaType: MediaType.adapter, digest: digest, size: size, from: relativeName)
            try record("adapter", .cached, describe(d), "adapter folder and base model unchanged since the last import", since: t0)
            return d
        }
        if options.dryRun {
            try record("adapter", .planned, "\(relativeName) (PEFT LoRA)", "folder is new or changed: would convert it to a GGUF LoRA", since: t0)
            return Descriptor(mediaType: MediaType.adapter, digest: Digest(bytes: []), size: 0, from: relativeName)
        }
        let base: GGUFFile
        do { base = try GGUFFile(path: store.blobs.path(of: baseLayer.digest)) } catch { throw StoreError("base model layer: \(error.message)") }
        let heads = base.archValue("attention.head_count")?.int ?? 0
        let temp = store.blobs.directory + "/adapter-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).gguf"
        try FileIO.makeDirectory(store.blobs.directory)
        defer { unlink(temp) }
        let summary = try PEFTAdapterImporter.importFolder(dir, baseArchitecture: base.architecture ?? "", 
                                                           baseHeads: (heads, base.archValue("attention.head_count_kv")?.int ?? heads), to: temp)
        let (digest, size) = try store.blobs.importFile(temp, progress: options.progress)
        log.record("action", key, "\(digest.description) \(size)")
        let d = Descriptor(mediaType: MediaType.adapter, digest: digest, size: size, from: relativeName)
        try record("adapter", .done, describe(d) + " (LoRA r=\(summary.rank) alpha=\(summary.alpha), \(summary.pairCount) tensors)",
                   "adapter folder is new or changed", since: t0)
        return d
    }

    /// Refuses the build when an adapter layer does not fit the model layer, listing every mismatch.
    func checkAdapterFit(_ layers: [Descriptor]) throws(StoreError) {
        guard !options.dryRun, let baseLayer = layers.first(where: { $0.mediaType == MediaType.model }) else { return }
        let adapters = layers.filter { $0.mediaType == MediaType.adapter }
        guard !adapters.isEmpty, let base = try? GGUFFile(path: store.blobs.path(of: baseLayer.digest)) else { return }
        for layer in adapters {
            guard let adapter = try? GGUFFile(path: store.blobs.path(of: layer.digest)) else {
                throw StoreError("ADAPTER \(layer.from): not a readable GGUF adapter")
            }
            let problems = AdapterFit.problems(adapter: adapter, base: base)
            if !problems.isEmpty {
                throw StoreError("ADAPTER \(layer.from) does not fit the base model:\n  - " + problems.joined(separator: "\n  - "))
            }
        }
    }
}
