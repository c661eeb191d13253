import Foundation

/// What exists at a path, as far as the checker needs to know.
public enum PathKind: Sendable { case missing, file, directory }

/// How the checker sees the file system, so tests can use a fake one.
public struct FileSystemProbe: Sendable {
    /// What is at an absolute path (following symlinks).
    public var kind: @Sendable (String) -> PathKind
    /// The canonical path (symlinks resolved) of an existing path.
    public var canonical: @Sendable (String) -> String
    /// The home directory of the current user (`~`) or of a named user (`~name`), nil if unknown.
    public var home: @Sendable (String?) -> String?

    public init(kind: @escaping @Sendable (String) -> PathKind, canonical: @escaping @Sendable (String) -> String,
                home: @escaping @Sendable (String?) -> String?) {
        self.kind = kind
        self.canonical = canonical
        self.home = home
    }

    /// The real file system.
    public static let local = FileSystemProbe(
        kind: { path in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
            return isDirectory.boolValue ? .directory : .file
        },
        canonical: { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path },
        home: { user in
            guard let user else { return FileSystemProbe.homeDirectory() }
            return FileManager.default.homeDirectory(forUser: user)?.path
        })

    /// The current user's home folder as Go's `os.UserHomeDir` (and so Ollama) finds it: `$HOME` when set
    /// and not empty, else the password file's entry. Containers and CI runners often set a `HOME` that
    /// differs from the password file, so every default folder of mfc starts here.
    public static func homeDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }
}

/// Ollama's `expandPath`: a FROM/ADAPTER/DRAFT argument made absolute, relative to the Modelfile.
/// The one `~`/`~user` expansion of the project: the checker, the build and `mfc template` use it.
public enum PathExpansion {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unknownUser(String)
        public var description: String {
            switch self { case .unknownUser(let u): "failed to find user '\(u)'" }
        }
    }

    /// `~` and `~/x` use `home(nil)`, `~name/x` uses `home("name")`; other relative paths start at
    /// `directory`; the result is cleaned like Go's `filepath.Clean`.
    public static func expand(_ path: String, relativeTo directory: String, probe: FileSystemProbe) -> Result<String, Failure> {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return .success(clean(path)) }
        if path.hasPrefix("~") {
            if path == "~" || path.hasPrefix("~/") {
                guard let home = probe.home(nil) else { return .failure(.unknownUser("")) }
                return .success(clean(home + "/" + path.dropFirst()))
            }
            let parts = path.dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let user = String(parts.first ?? "")
            guard let home = probe.home(user) else { return .failure(.unknownUser(user)) }
            return .success(clean(home + (parts.count > 1 ? "/" + parts[1] : "")))
        }
        return .success(clean(directory + "/" + path))
    }

    /// `expand` on the real file system, with `home` for `~` (a build's HOME) and the password
    /// database for `~name`.
    public static func expand(_ path: String, relativeTo directory: String, home: String) -> Result<String, Failure> {
        let local = FileSystemProbe.local
        let probe = FileSystemProbe(kind: local.kind, canonical: local.canonical,
                                    home: { user in user == nil ? home : local.home(user) })
        return expand(path, relativeTo: directory, probe: probe)
    }

    /// `filepath.Clean` of an absolute path: no `.`, `..` or repeated slashes.
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") where p != "." {
            if p == ".." { _ = parts.popLast() } else { parts.append(p) }
        }
        // Appended part by part: `joined` on substrings is unspecialised generic code whose
        // metadata costs a conformance scan at start-up.
        var cleaned = parts.isEmpty ? "/" : ""
        for p in parts { cleaned += "/"; cleaned += p }
        return cleaned
    }

    /// A FROM argument that the author surely meant as a file, not a model name.
    static func looksLikePath(_ s: String) -> Bool {
        s == "." || s == ".." || s.hasPrefix("./") || s.hasPrefix("../") || s.hasPrefix("/") || s.hasPrefix("~")
            || s.lowercased().hasSuffix(".gguf") || s.lowercased().hasSuffix(".safetensors")
    }
}
