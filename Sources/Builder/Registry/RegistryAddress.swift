import Foundation

/// Where a model lives in a registry: `scheme://host` and the repository `namespace/model`.
package struct RegistryAddress: Sendable, Hashable {
    package var base: URL
    package var repository: String
    package var host: String

    /// The registry of a model name. HTTPS unless `insecure` (then plain HTTP, as Ollama's
    /// `--insecure`); an explicit `http://` in the name needs `insecure`.
    package init(_ name: ModelName, insecure: Bool) throws(RegistryError) {
        if name.scheme == "http" && !insecure {
            throw RegistryError("'\(name.host)' was named with http://; plain HTTP needs --insecure")
        }
        guard let url = URL(string: "\(insecure ? "http" : "https")://\(name.host)") else {
            throw RegistryError("invalid registry host '\(name.host)'")
        }
        base = url
        host = name.host
        repository = "\(name.namespace)/\(name.model)"
    }

    /// `/v2/<repository>/<suffix>` on this registry.
    /// (Built as text: `appendingPathComponent` would drop the trailing slash of `blobs/uploads/`.)
    package func url(_ suffix: String) -> URL {
        URL(string: base.absoluteString + "/v2/\(repository)/\(suffix)") ?? base
    }
}
