import Foundation
import ModelfileLang

/// What a FROM argument names after path expansion (docs/modelfile.md, "Paths").
package enum FromSource: Sendable, Equatable {
    /// GGUF files: absolute path and the relative name recorded in the layer's `from`.
    case files([(path: String, relativeName: String)])
    /// A model in the store.
    case model(ModelName)

    package static func == (a: FromSource, b: FromSource) -> Bool {
        switch (a, b) {
        case let (.files(x), .files(y)): return x.map(\.path) == y.map(\.path) && x.map(\.relativeName) == y.map(\.relativeName)
        case let (.model(x), .model(y)): return x == y
        default: return false
        }
    }
}

enum SourceResolver {
    /// Expands `~`, `~user` and relative paths against the Modelfile's folder (ModelfileLang's
    /// `PathExpansion`, the same the checker uses).
    static func expand(_ path: String, directory: String, home: String) throws(StoreError) -> String {
        switch PathExpansion.expand(path, relativeTo: directory, home: home) {
        case .success(let p): return p
        case .failure(let f): throw StoreError(f.description)
        }
    }

    /// Resolves every FROM: files and folders add GGUF files; if any FROM is a model name, the last
    /// name wins and the files are ignored, as Ollama's server does. `notes` gets what the user should
    /// know about how a FROM was read (a shard file standing for its folder).
    static func resolve(_ froms: [String], directory: String, home: String, notes: inout [String]) throws(StoreError) -> FromSource {
        var files: [(path: String, relativeName: String)] = []
        var lastName: ModelName? = nil
        for from in froms {
            let path = try expand(from, directory: directory, home: home)
            guard let st = FileIO.status(path) else {
                let name = ModelName(parsing: from)
                guard name.isValid else { throw StoreError("FROM '\(from)' is neither an existing file nor a valid model name") }
                lastName = name
                continue
            }
            if st.isDirectory {
                files += try filesInDirectory(path)
            } else {
                guard st.isRegular else { throw StoreError("FROM \(from): \(path) is \(st.kindDescription), not a model file") }
                if path.hasSuffix(".safetensors") {
                    // One shard (`model-00001-of-00004.safetensors`, as tutorials write it) imports its folder.
                    let folder = (path as NSString).deletingLastPathComponent
                    guard HFCheckpoint.isModelFolder(FileIO.names(in: folder)) else { throw safetensorsFile(path) }
                    notes.append(shardNote(from))
                    files.append((folder, (folder as NSString).lastPathComponent))
                    continue
                }
                files.append((path, (path as NSString).lastPathComponent))
            }
        }
        if let lastName { return .model(lastName) }
        return .files(files.sorted { $0.relativeName < $1.relativeName })
    }

    /// The GGUF files of a FROM folder; a Hugging Face safetensors folder is itself the source (the
    /// build imports it); other checkpoints are refused clearly.
    static func filesInDirectory(_ dir: String) throws(StoreError) -> [(path: String, relativeName: String)] {
        let names = FileIO.names(in: dir)
        if HFCheckpoint.isModelFolder(names) { return [(dir, (dir as NSString).lastPathComponent)] }
        if names.contains(where: { $0.hasSuffix(".safetensors") }) && !names.contains("config.json") {
            throw StoreError("FROM \(dir): the folder has safetensors weights but no config.json, which an import needs "
                             + "(it names the architecture and its sizes)")
        }
        if names.contains(where: { $0.hasPrefix("pytorch_model") || $0.hasSuffix(".pth") }) {
            throw StoreError("FROM \(dir): PyTorch checkpoints (pytorch_model*.bin, *.pth) cannot be imported; "
                             + "convert them to safetensors or GGUF first")
        }
        let ggufs = names.filter { $0.hasSuffix(".gguf") }
        guard !ggufs.isEmpty else { throw StoreError("no Modelfile or safetensors files found in \(dir)") }
        return ggufs.map { (dir + "/" + $0, $0) }
    }

    /// Says that FROM one safetensors file builds from its whole folder.
    static func shardNote(_ from: String) -> String {
        let written = (from as NSString).deletingLastPathComponent
        let folder = written.isEmpty ? "." : written
        return "FROM \(from) imports its whole folder \(folder) (config.json, the tokenizer and every safetensors shard), "
            + "not only this file; FROM \(folder) says the same"
    }

    /// A .safetensors file outside a model folder: an import needs the folder's config.json and tokenizer.
    static func safetensorsFile(_ path: String) -> StoreError {
        StoreError("FROM \(path): a .safetensors file is imported with its folder, and \((path as NSString).deletingLastPathComponent) "
                   + "has no config.json (it names the architecture and its sizes)")
    }
}
