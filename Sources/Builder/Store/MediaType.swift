/// Ollama's media types for manifest entries (package spec §3).
package enum MediaType {
    package static let manifest = "application/vnd.docker.distribution.manifest.v2+json"
    package static let config = "application/vnd.docker.container.image.v1+json"
    package static let model = "application/vnd.ollama.image.model"
    package static let projector = "application/vnd.ollama.image.projector"
    package static let adapter = "application/vnd.ollama.image.adapter"
    package static let draft = "application/vnd.ollama.image.draft"
    package static let template = "application/vnd.ollama.image.template"
    /// Legacy name for a template, read like `.template`.
    package static let prompt = "application/vnd.ollama.image.prompt"
    package static let system = "application/vnd.ollama.image.system"
    package static let params = "application/vnd.ollama.image.params"
    package static let messages = "application/vnd.ollama.image.messages"
    package static let license = "application/vnd.ollama.image.license"
    /// Obsolete; ignored.
    package static let embed = "application/vnd.ollama.image.embed"
}
