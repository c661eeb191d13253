import Foundation
import ModelfileLang

/// A models folder in Ollama's layout: `blobs/sha256-<hex>` and
/// `manifests/<host>/<namespace>/<model>/<tag>`. mfc's own build cache lives in `.mfc/`, which
/// Ollama ignores, so the same folder works for both tools.
package final class ModelStore: Sendable {
    package let root: String
    package let blobs: BlobStore
    /// Names temporaries after this process and tells stale ones from live ones.
    package let temporaries: Temporaries

    /// Opens (without creating) the store at `root`.
    package init(root: String) {
        self.root = root
        self.temporaries = Temporaries(stateDirectory: root + "/.mfc")
        self.blobs = BlobStore(directory: root + "/blobs", temporaries: temporaries)
    }

    /// The variables that name a store, in order: mfc's own, then Ollama's, so mfc can share an Ollama store.
    package static let rootVariables = ["MFC_MODELS", "OLLAMA_MODELS"]

    /// The root chosen by `--store`, else `MFC_MODELS`, else `OLLAMA_MODELS`, else `$HOME/.mfc/models`
    /// (the one definition of the default store; README "Where models live"). Surrounding whitespace and
    /// then quotes are trimmed, as Ollama does for `OLLAMA_MODELS`.
    package static func defaultRoot(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        for variable in rootVariables {
            guard let env = environment[variable] else { continue }
            var v = GoStrings.trimSpace(env)
            for q in ["\"", "'"] where v.count >= 2 && v.hasPrefix(q) && v.hasSuffix(q) { v = String(v.dropFirst().dropLast()) }
            if !v.isEmpty { return v }
        }
        return FileSystemProbe.homeDirectory(environment: environment) + "/.mfc/models"
    }

    /// Refuses a root that exists but is not a folder (a store path given by mistake); a missing
    /// root is fine, it is created by the first write.
    /// - Parameter origin: how the root was chosen (`--store`, `MFC_MODELS`), for the message.
    package func checkRoot(origin: String) throws(StoreError) {
        guard let st = FileIO.status(root), !st.isDirectory else { return }
        throw StoreError("\(origin)\(origin.hasSuffix("=") ? "" : " ")\(root) is not a directory (it should name a models folder)")
    }

    /// What chose the root: the `--store` option, else `MFC_MODELS`, else the default folder.
    package static func rootOrigin(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return "--store" }
        if let env = environment["MFC_MODELS"], !GoStrings.trimSpace(env).isEmpty { return "MFC_MODELS=" }
        return "the models folder"
    }

    package var manifestsDirectory: String { root + "/manifests" }
    /// mfc's private state (action log); not part of Ollama's layout.
    package var stateDirectory: String { root + "/.mfc" }

    /// Shared lock for builds (many may run), exclusive for deletes and garbage collection.
    package func lock(exclusive: Bool) throws(StoreError) -> FileLock {
        try FileIO.makeDirectory(stateDirectory)
        return try FileLock(path: stateDirectory + "/lock", exclusive: exclusive)
    }

    /// Where the manifest of `name` lives (as spelled; see `canonical`).
    package func manifestPath(_ name: ModelName) -> String { manifestsDirectory + "/" + name.path }

    /// The stored manifest bytes for `name` (after case canonicalisation), or nil.
    package func manifestBytes(_ name: ModelName) -> [UInt8]? { FileIO.read(manifestPath(canonical(name))) }

    /// The stored manifest, nil when there is none.
    /// - Throws: when the file exists but is not a valid manifest.
    package func manifest(_ name: ModelName) throws(StoreError) -> Manifest? {
        guard let bytes = manifestBytes(name) else { return nil }
        do { return try Manifest(bytes: bytes) } catch { throw StoreError("manifest of \(name) is corrupt: \(error)") }
    }

    /// Writes a manifest atomically; returns the manifest digest and whether the file changed.
    @discardableResult
    package func writeManifest(_ manifest: Manifest, as name: ModelName) throws(StoreError) -> (digest: Digest, changed: Bool) {
        let bytes = manifest.encoded
        let digest = Digest.of(bytes)
        let path = manifestPath(canonical(name))
        if FileIO.read(path) == bytes { return (digest, false) }
        try temporaries.holdWriterLock()
        blobs.syncDirectory()   // the blobs must be durable before the manifest that names them
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        try FileIO.writeAtomically(bytes, to: path)
        return (digest, true)
    }

    /// Every valid model name with a manifest file: exactly four levels under `manifests/`,
    /// skipping parts that are not valid names (for example hidden temporary files).
    package func modelNames() -> [ModelName] {
        var names: [ModelName] = []
        let fm = FileManager.default
        func children(_ path: String) -> [String] { ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() }
        for host in children(manifestsDirectory) {
            for ns in children(manifestsDirectory + "/" + host) {
                for model in children(manifestsDirectory + "/\(host)/\(ns)") {
                    for tag in children(manifestsDirectory + "/\(host)/\(ns)/\(model)") {
                        let name = ModelName(host: host, namespace: ns, model: model, tag: tag)
                        guard name.isValid, FileIO.status(manifestPath(name))?.isRegular == true else { continue }
                        names.append(name)
                    }
                }
            }
        }
        return names
    }

    /// Ollama's canonicalisation: each part takes the spelling of an existing manifest path part
    /// that equals it ignoring case, so `Foo` and `foo` share one manifest.
    package func canonical(_ name: ModelName) -> ModelName {
        var result = name
        var dir = manifestsDirectory
        let fm = FileManager.default
        for keyPath in [\ModelName.host, \ModelName.namespace, \ModelName.model, \ModelName.tag] {
            let part = result[keyPath: keyPath]
            let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
            if !entries.contains(part), let match = entries.sorted().first(where: { $0.lowercased() == part.lowercased() }) {
                result[keyPath: keyPath] = match
            }
            dir += "/" + result[keyPath: keyPath]
        }
        return result
    }

    /// Removes a manifest and empty parent folders; then deletes the blobs it used that no other
    /// manifest references. Returns the deleted blob digests.
    package func remove(_ name: ModelName) throws(StoreError) -> [Digest] {
        let lock = try self.lock(exclusive: true)
        defer { lock.unlock() }
        let canonicalName = canonical(name)
        guard let manifest = try? manifest(canonicalName) ?? nil else {
            if FileIO.exists(manifestPath(canonicalName)) {
                unlink(manifestPath(canonicalName))
                removeEmptyManifestDirectories()
                return []
            }
            throw StoreError("model '\(name)' not found")
        }
        guard unlink(manifestPath(canonicalName)) == 0 else { throw FileIO.error("cannot remove", manifestPath(canonicalName)) }
        removeEmptyManifestDirectories()
        let stillUsed = referencedDigests()
        var deleted: [Digest] = []
        for d in Set(manifest.allDescriptors.map(\.digest)).sorted() where !stillUsed.contains(d) {
            blobs.remove(d)
            deleted.append(d)
        }
        removeStaleTemporaries()
        return deleted
    }

    /// Digests referenced by every parseable manifest (corrupt ones are ignored, as Ollama does).
    package func referencedDigests() -> Set<Digest> {
        var used = Set<Digest>()
        for n in modelNames() {
            if let m = try? manifest(n) { for d in m.allDescriptors { used.insert(d.digest) } }
        }
        return used
    }

    /// Copies a manifest byte for byte to a new name (blobs are shared). The source is read under
    /// the store lock, so a concurrent `remove` cannot delete its blobs between read and write.
    package func copy(from source: ModelName, to destination: ModelName) throws(StoreError) {
        let lock = try self.lock(exclusive: false)
        defer { lock.unlock() }
        let src = canonical(source), dst = canonical(destination)
        guard let bytes = FileIO.read(manifestPath(src)) else { throw StoreError("model '\(source)' not found") }
        if src.path == dst.path { return }
        try temporaries.holdWriterLock()
        let path = manifestPath(dst)
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// Deletes empty folders under `manifests/`, deepest first.
    func removeEmptyManifestDirectories() {
        let fm = FileManager.default
        guard let all = fm.subpaths(atPath: manifestsDirectory) else { return }
        for rel in all.sorted(by: { $0.count > $1.count }) {
            let p = manifestsDirectory + "/" + rel
            if FileIO.status(p)?.isDirectory == true, (try? fm.contentsOfDirectory(atPath: p))?.isEmpty == true { rmdir(p) }
        }
    }
}
