/// A model name `[scheme://][host/][namespace/]model[:tag]`, parsed and defaulted as Ollama's
/// `types/model.ParseName` does (package spec §6).
package struct ModelName: Sendable, Hashable, CustomStringConvertible {
    package static let defaultHost = "registry.ollama.ai"
    package static let defaultNamespace = "library"
    package static let defaultTag = "latest"
    static let missing = "!MISSING!"

    package var scheme: String
    package var host: String
    package var namespace: String
    package var model: String
    package var tag: String

    package init(host: String, namespace: String, model: String, tag: String, scheme: String = "https") {
        self.scheme = scheme
        self.host = host
        self.namespace = namespace
        self.model = model
        self.tag = tag
    }

    /// Parses from the right and fills defaults; parts that are present but empty become
    /// `!MISSING!`, which fails `isValid`.
    package init(parsing text: String) {
        var rest = Substring(text)
        var tag = ModelName.defaultTag, namespace = ModelName.defaultNamespace
        var host = ModelName.defaultHost, scheme = "https"
        if let colon = rest.lastIndex(of: ":"), rest[colon...].firstIndex(of: "/") == nil {
            tag = String(rest[rest.index(after: colon)...])
            if tag.isEmpty { tag = ModelName.missing }
            rest = rest[..<colon]
        }
        var model: String
        if let slash = rest.lastIndex(of: "/") {
            model = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
            if let slash2 = rest.lastIndex(of: "/") {
                namespace = String(rest[rest.index(after: slash2)...])
                host = String(rest[..<slash2])
                if let schemeEnd = host.range(of: "://") {
                    scheme = String(host[..<schemeEnd.lowerBound])
                    host = String(host[schemeEnd.upperBound...])
                }
                if host.isEmpty { host = ModelName.missing }
            } else {
                namespace = String(rest)
            }
            if namespace.isEmpty { namespace = ModelName.missing }
        } else {
            model = String(rest)
        }
        if model.isEmpty { model = ModelName.missing }
        self.init(host: host, namespace: namespace, model: model, tag: tag, scheme: scheme)
    }

    /// True when every part has a valid length and characters.
    package var isValid: Bool {
        ModelName.validPart(host, max: 350, extra: "_.:-") && ModelName.validPart(namespace, max: 80, extra: "_-")
            && ModelName.validPart(model, max: 80, extra: "_.-") && ModelName.validPart(tag, max: 80, extra: "_.-")
    }

    static func validPart(_ part: String, max: Int, extra: String) -> Bool {
        let u = Array(part.utf8)
        guard !u.isEmpty, u.count <= max else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        guard alnum(u[0]) || u[0] == UInt8(ascii: "_") else { return false }
        let allowed = Set(extra.utf8)
        return u.dropFirst().allSatisfy { alnum($0) || allowed.contains($0) }
    }

    /// `host/namespace/model/tag`, the manifest's path under `manifests/`.
    package var path: String { "\(host)/\(namespace)/\(model)/\(tag)" }

    /// Ollama's `DisplayShortest`: `model:tag`, `namespace/model:tag` or the full name.
    package var displayShortest: String {
        guard host.lowercased() == ModelName.defaultHost else { return "\(host)/\(namespace)/\(model):\(tag)" }
        guard namespace.lowercased() == ModelName.defaultNamespace else { return "\(namespace)/\(model):\(tag)" }
        return "\(model):\(tag)"
    }

    package var description: String { displayShortest }

    /// Case-insensitive identity, the way Ollama matches names.
    package func matches(_ other: ModelName) -> Bool {
        host.lowercased() == other.host.lowercased() && namespace.lowercased() == other.namespace.lowercased()
            && model.lowercased() == other.model.lowercased() && tag.lowercased() == other.tag.lowercased()
    }
}
