import Foundation

/// What a FROM argument names after path expansion (modelfile spec §5).
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
    /// Expands `~`, `~user` and relative paths against the Modelfile's folder.
    static func expand(_ path: String, directory: String, home: String) throws(StoreError) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") {
            p = home + p.dropFirst()
        } else if p.hasPrefix("~") {
            let user = String(p.dropFirst().prefix { $0 != "/" })
            guard let pw = getpwnam(user), let dir = pw.pointee.pw_dir else { throw StoreError("failed to find user '\(user)'") }
            p = String(cString: dir) + p.dropFirst(1 + user.utf8.count)
        } else if !p.hasPrefix("/") {
            p = directory + "/" + p
        }
        return (p as NSString).standardizingPath
    }

    /// Resolves every FROM: files and folders add GGUF files; if any FROM is a model name, the last
    /// name wins and the files are ignored, as Ollama's server does.
    static func resolve(_ froms: [String], directory: String, home: String) throws(StoreError) -> FromSource {
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
                if path.hasSuffix(".safetensors") { throw safetensorsUnsupported(path) }
                files.append((path, (path as NSString).lastPathComponent))
            }
        }
        if let lastName { return .model(lastName) }
        return .files(files.sorted { $0.relativeName < $1.relativeName })
    }

    /// The GGUF files of a FROM folder; a Hugging Face safetensors folder is itself the source (the
    /// build imports it); other checkpoints are refused clearly.
    static func filesInDirectory(_ dir: String) throws(StoreError) -> [(path: String, relativeName: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
        if HFCheckpoint.isModelFolder(names) { return [(dir, (dir as NSString).lastPathComponent)] }
        if names.contains(where: { $0.hasSuffix(".safetensors") || $0.hasPrefix("pytorch_model") || $0.hasSuffix(".pth") }) {
            throw safetensorsUnsupported(dir)
        }
        let ggufs = names.filter { $0.hasSuffix(".gguf") }
        guard !ggufs.isEmpty else { throw StoreError("no Modelfile or safetensors files found in \(dir)") }
        return ggufs.map { (dir + "/" + $0, $0) }
    }

    static func safetensorsUnsupported(_ path: String) -> StoreError {
        StoreError("FROM \(path): importing safetensors/PyTorch checkpoints is not supported yet (issue 6); convert to GGUF first")
    }
}
