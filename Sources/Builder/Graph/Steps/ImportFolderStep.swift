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

/// Converts a FROM safetensors folder to a GGUF model layer.
///
/// Input: the folder. Key: an action key over the (name, size, mtime, device, inode) of every
/// file in it, so an unchanged folder is never read again. Output: the converted GGUF as the
/// model layer.
struct ImportFolderStep: BuildAction {
    let path: String
    let relativeName: String

    func run(_ build: inout BuildRun) throws(StoreError) {
        let t0 = build.clock.now
        let key = ActionKey(kind: "import-safetensors", version: 2, inputs: folderStatKeys(path), settings: ["dir": path]).description
        if try build.appendCached(key, step: "model", mediaType: MediaType.model, from: relativeName,
                                  reason: "safetensors folder unchanged since its last import (every file's size, mtime, inode)", since: t0) {
            return
        }
        if build.options.dryRun {
            build.pendingImport = true
            try build.appendPlanned(step: "model", mediaType: MediaType.model, from: relativeName, detail: "\(relativeName) (safetensors)",
                                    reason: "folder is new or changed: would convert it to GGUF", since: t0)
            return
        }
        // The team's build cache (`--cache`), keyed by the folder's content.
        let sharedKey = build.sharesOutputs ? ActionKey(kind: "import-safetensors", version: 2, inputs: try build.folderContentKeys(path),
                                                        settings: [:]).description : ""
        if build.sharesOutputs, try build.appendShared(sharedKey, kind: "import", localKey: key, step: "model", mediaType: MediaType.model,
                                                       from: relativeName, reason: "another machine converted this safetensors folder and shared it", since: t0) {
            return
        }
        try FileIO.makeDirectory(build.store.blobs.directory)
        let temp = try build.store.temporaries.path(in: build.store.blobs.directory, kind: "import", suffix: ".gguf")
        defer { unlink(temp) }
        let summary = try SafetensorsImporter.importFolder(path, to: temp)
        try build.appendConverted(temp, key: key, sharedKey: sharedKey, kind: "import", step: "model", mediaType: MediaType.model,
                                  from: relativeName, detail: " (\(summary.architecture), \(summary.tensorCount) tensors from safetensors)",
                                  reason: "folder is new or changed since its last import", since: t0)
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
