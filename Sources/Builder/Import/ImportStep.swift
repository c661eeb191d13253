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
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let stats = names.compactMap { name -> String? in
            guard let st = FileIO.status(dir + "/" + name), st.isRegular else { return nil }
            return "\(name) \(st.size) \(st.mtimeNanoseconds) \(st.device) \(st.inode)"
        }
        let key = ActionKey(kind: "import-safetensors", version: 1, inputs: stats, settings: ["dir": dir]).description
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

/// "sha256:<hex> <size>" as the import and quantize actions record their outputs.
func parseBlobReference(_ text: String) -> (Digest, Int64)? {
    let parts = text.split(separator: " ")
    guard parts.count == 2, let digest = Digest(parsing: String(parts[0])), let size = Int64(parts[1]) else { return nil }
    return (digest, size)
}
