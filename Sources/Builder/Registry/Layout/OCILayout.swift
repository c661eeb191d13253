import ModelfileLang
import Foundation

/// `mfc export` / `mfc import`: a model as an OCI image layout in a tar file (`oci-layout`,
/// `index.json`, `blobs/sha256/<hex>`), the form `skopeo copy oci-archive:FILE` reads.
///
/// The layout's manifest is the model's manifest with the OCI manifest media type (layers keep
/// Ollama's media types), because OCI tools only follow OCI manifests from an index. Ollama's own
/// manifest bytes travel too, as a blob named by the index entry's `dev.mfc.ollama.manifest`
/// annotation, so an import restores the exact manifest (and digest) that was exported.
package enum OCILayout {
    static let ollamaManifestAnnotation = "dev.mfc.ollama.manifest"
    static let nameAnnotation = "dev.mfc.model.name"

    /// Writes `name` from the store to `file`; returns the OCI manifest's digest.
    @discardableResult
    package static func export(_ name: ModelName, from store: ModelStore, to file: String) throws(StoreError) -> Digest {
        guard let ollamaBytes = store.manifestBytes(name) else { throw StoreError("model '\(name.displayShortest)' not found") }
        let manifest = try Manifest(bytes: ollamaBytes)
        let descriptors = ModelTransfer.unique(manifest.allDescriptors)
        for d in descriptors where !store.blobs.contains(d.digest, size: d.size) {
            throw StoreError("blob \(d.digest.shortID) of \(name.displayShortest) is missing from the store; run mfc verify")
        }
        let ociBytes = JSONValue.object([
            ("schemaVersion", .int(2)), ("mediaType", .string(OCIMediaType.manifest)),
            ("config", manifest.config.json), ("layers", .array(manifest.layers.map(\.json))),
        ]).goEncoded
        let ociDigest = Digest.of(ociBytes), ollamaDigest = Digest.of(ollamaBytes)
        let index = JSONValue.object([
            ("schemaVersion", .int(2)), ("mediaType", .string(OCIMediaType.index)),
            ("manifests", .array([.object([
                ("mediaType", .string(OCIMediaType.manifest)), ("digest", .string(ociDigest.description)),
                ("size", .int(ociBytes.count)),
                ("annotations", .object([
                    (OCIMediaType.refName, .string(name.tag)),
                    (ollamaManifestAnnotation, .string(ollamaDigest.description)),
                    (nameAnnotation, .string("\(name.host)/\(name.namespace)/\(name.model):\(name.tag)")),
                ])),
            ])])),
        ]).goEncoded

        let temp = file + ".tmp-\(getpid())"
        let tar = try TarWriter(path: temp)
        do {
            try tar.file("oci-layout", bytes: Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
            try tar.file("index.json", bytes: index)
            try tar.directory("blobs/")
            try tar.directory("blobs/sha256/")
            try tar.file("blobs/sha256/" + ociDigest.hex, bytes: ociBytes)
            try tar.file("blobs/sha256/" + ollamaDigest.hex, bytes: ollamaBytes)
            for d in descriptors { try tar.file("blobs/sha256/" + d.digest.hex, copying: store.blobs.path(of: d.digest), size: d.size) }
            try tar.finish()
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, file) == 0 else { unlink(temp); throw FileIO.error("cannot write", file) }
        return ociDigest
    }

    /// Reads a layout tar into the store as `name` (default: the name it was exported as). Every
    /// blob is checked against its digest while it is copied in; the manifest is written only
    /// when all its blobs are present. Returns the name and the manifest digest.
    @discardableResult
    package static func importArchive(_ file: String, as requested: ModelName?, into store: ModelStore) throws(StoreError) -> (ModelName, Digest) {
        let lock = try store.lock(exclusive: false)
        defer { lock.unlock() }
        try FileIO.makeDirectory(store.blobs.directory)
        var index: [UInt8]?
        var small: [Digest: [UInt8]] = [:]   // manifests are read from these
        var added: [Digest] = []
        let reader = try TarReader(path: file)
        defer { reader.close() }
        try reader.forEachFile { entry, size, read throws(StoreError) in
            let path = entry.hasPrefix("./") ? String(entry.dropFirst(2)) : entry
            if path == "index.json" {
                guard size < 4 << 20 else { throw StoreError("\(file): index.json is too large") }
                var bytes: [UInt8] = []
                try read { bytes += $0 }
                index = bytes
            } else if path.hasPrefix("blobs/sha256/"), let digest = Digest(parsing: "sha256:" + path.dropFirst(13)) {
                let (stored, bytes) = try store.blobs.write(digest, size: size, keepIfSmall: 4 << 20, from: read)
                if stored { added.append(digest) }
                if let bytes { small[digest] = bytes }
            }
        }
        guard let index, let indexJSON = try? JSONValue.parse(index), let entries = indexJSON["manifests"]?.arrayValue, !entries.isEmpty else {
            throw StoreError("\(file) is not an OCI image layout (no index.json with manifests)")
        }
        let entry = entries.first { requested == nil || $0["annotations"]?[OCIMediaType.refName]?.stringValue == requested?.tag } ?? entries[0]
        let annotations = entry["annotations"]
        guard let name = requested ?? annotations?[nameAnnotation]?.stringValue.map({ ModelName(parsing: $0) }), name.isValid else {
            throw StoreError("\(file) does not say which model it holds; give a NAME")
        }
        var manifestBytes: [UInt8]
        if let text = annotations?[ollamaManifestAnnotation]?.stringValue, let d = Digest(parsing: text), let bytes = small[d] {
            manifestBytes = bytes
        } else {
            guard let text = entry["digest"]?.stringValue, let d = Digest(parsing: text), let bytes = small[d] else {
                throw StoreError("\(file): the manifest named by index.json is not in the archive")
            }
            manifestBytes = try Manifest(bytes: bytes).encoded   // a foreign layout: Ollama's form
        }
        let manifest = try Manifest(bytes: manifestBytes)
        for d in manifest.allDescriptors where !store.blobs.contains(d.digest, size: d.size) {
            throw StoreError("\(file) lacks blob \(d.digest.shortID) of the model")
        }
        // Manifest and index blobs were only needed here; layers stay.
        let needed = Set(manifest.allDescriptors.map(\.digest)).union(store.referencedDigests())
        for d in added where !needed.contains(d) { store.blobs.remove(d) }
        try store.writeManifestBytes(manifestBytes, as: name)
        return (name, Digest.of(manifestBytes))
    }
}

extension BlobStore {
    /// Stores a blob whose content arrives in chunks, checked against `digest` and `size` before
    /// it is renamed in. Returns whether it was newly stored, and its bytes when it is at most
    /// `keepIfSmall` long.
    func write(_ digest: Digest, size: Int64, keepIfSmall: Int64,
               from read: (([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) -> (Bool, [UInt8]?) {
        var kept: [UInt8]? = size <= keepIfSmall ? [] : nil
        var hasher = SHA256()
        let present = contains(digest, size: size)
        let temp = directory + "/sha256-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = present ? -1 : open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard present || fd >= 0 else { throw FileIO.error("cannot create", temp) }
        defer { if fd >= 0 { close(fd); unlink(temp) } }
        try read { chunk throws(StoreError) in
            hasher.update(chunk)
            if kept != nil { kept! += chunk }
            if fd >= 0, !chunk.withUnsafeBytes({ FileIO.writeAll(fd, $0) }) { throw FileIO.error("cannot write", temp) }
        }
        guard Digest(bytes: hasher.finalize()) == digest else {
            throw StoreError("refused blob \(digest.shortID): its content does not match its digest")
        }
        guard !present else { return (false, kept) }
        guard fsync(fd) == 0, rename(temp, path(of: digest)) == 0 else { throw FileIO.error("cannot store", path(of: digest)) }
        directoryDirty.store(true, ordering: .releasing)
        return (true, kept)
    }
}
