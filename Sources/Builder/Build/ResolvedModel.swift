import Foundation
import ModelfileLang

/// Everything a runtime needs to run a built model, read from its manifest.
package struct ResolvedModel: Sendable {
    package var name: ModelName
    package var manifest: Manifest
    package var manifestDigest: Digest
    package var config: ModelConfig
    /// The GGUF model blob to map.
    package var modelPath: String
    package var projectorPaths: [String]
    package var adapterPaths: [String]
    package var draftPath: String?
    /// nil when the model has no template layer.
    package var template: String?
    package var system: String?
    /// From the params layer, typed by ModelfileLang's table as Ollama reads it back.
    package var parameters: ParameterValues
    package var messages: [BuildInput.Message]
    package var licenses: [String]
}

extension ModelStore {
    /// Reads a model by name (case-insensitively canonicalised).
    /// - Throws: when the model is missing, its manifest is corrupt, or a blob it needs is missing.
    package func resolve(_ name: ModelName) throws(StoreError) -> ResolvedModel {
        let canonicalName = canonical(name)
        guard let bytes = manifestBytes(canonicalName) else { throw StoreError("model '\(name.displayShortest)' not found in \(root)") }
        let manifest: Manifest
        do { manifest = try Manifest(bytes: bytes) } catch { throw StoreError("manifest of \(name.displayShortest) is corrupt: \(error)") }
        func text(_ d: Descriptor) throws(StoreError) -> String {
            guard let b = FileIO.read(blobs.path(of: d.digest)) else { throw StoreError("blob \(d.digest) of \(name.displayShortest) is missing") }
            return String(decoding: b, as: UTF8.self)
        }
        guard let model = manifest.layers(ofType: MediaType.model).first else {
            throw StoreError("model '\(name.displayShortest)' has no model layer")
        }
        var config = ModelConfig()
        if let b = FileIO.read(blobs.path(of: manifest.config.digest)) { config = (try? ModelConfig(bytes: b)) ?? config }
        var parameters = ParameterValues()
        if let p = manifest.layers(ofType: MediaType.params).last, case .object(let members)? = try? JSONValue.parse(try text(p)) {
            parameters = try ParameterValues(storedJSON: members)
        }
        var messages: [BuildInput.Message] = []
        if let m = manifest.layers(ofType: MediaType.messages).last, case .array(let items)? = try? JSONValue.parse(try text(m)) {
            messages = items.map { .init(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "") }
        }
        let templateLayer = manifest.layers.last { $0.mediaType == MediaType.template || $0.mediaType == MediaType.prompt }
        return ResolvedModel(
            name: canonicalName, manifest: manifest, manifestDigest: Digest.of(bytes), config: config,
            modelPath: blobs.path(of: model.digest),
            projectorPaths: manifest.layers(ofType: MediaType.projector).map { blobs.path(of: $0.digest) },
            adapterPaths: manifest.layers(ofType: MediaType.adapter).map { blobs.path(of: $0.digest) },
            draftPath: manifest.layers(ofType: MediaType.draft).first.map { blobs.path(of: $0.digest) },
            template: try templateLayer.map(text), system: try manifest.layers(ofType: MediaType.system).last.map(text),
            parameters: parameters, messages: messages, licenses: try manifest.layers(ofType: MediaType.license).map(text))
    }

    /// Resolves what `mfc run` was given: a path to a Modelfile (built incrementally first, named
    /// after the file) or a model name.
    package func resolve(reference: String, currentDirectory: String, options: BuildOptions = BuildOptions()) throws(StoreError) -> ResolvedModel {
        let path = reference.hasPrefix("/") ? reference : currentDirectory + "/" + reference
        if let st = FileIO.status(path), st.isRegular {
            let name = ModelfileNaming.defaultName(forModelfileAt: path)
            _ = try ModelfileFrontEnd.build(fileAt: path, displayPath: (path as NSString).lastPathComponent, as: name,
                                            builder: ModelBuilder(store: self), options: options)
            return try resolve(name)
        }
        let name = ModelName(parsing: reference)
        guard name.isValid else { throw StoreError("'\(reference)' is neither a Modelfile nor a valid model name") }
        return try resolve(name)
    }
}

/// Names given to Modelfiles built without `-t`.
package enum ModelfileNaming {
    /// `X.Modelfile` → `x`; `Modelfile` → the folder's name; lower-cased, invalid characters as `-`.
    package static func defaultName(forModelfileAt path: String) -> ModelName {
        let file = (path as NSString).lastPathComponent
        var base = file
        if file.lowercased().hasSuffix(".modelfile") { base = String(file.dropLast(".modelfile".count)) }
        if base.isEmpty || file == "Modelfile" {
            base = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        }
        var cleaned = String(base.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) ? $0 : "-" })
        while let f = cleaned.first, !(f.isLetter || f.isNumber || f == "_") { cleaned.removeFirst() }
        return ModelName(parsing: cleaned.isEmpty ? "model" : cleaned)
    }

    /// Whether a file name is a Modelfile that `mfc build DIR` picks up.
    package static func isModelfile(_ fileName: String) -> Bool {
        fileName == "Modelfile" || (fileName.hasSuffix(".Modelfile") && fileName.count > ".Modelfile".count)
    }
}
