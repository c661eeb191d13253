/// Ollama's media types for manifest entries (package spec §3).
public enum MediaType {
    public static let manifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let config = "application/vnd.docker.container.image.v1+json"
    public static let model = "application/vnd.ollama.image.model"
    public static let projector = "application/vnd.ollama.image.projector"
    public static let adapter = "application/vnd.ollama.image.adapter"
    public static let draft = "application/vnd.ollama.image.draft"
    public static let template = "application/vnd.ollama.image.template"
    /// Legacy name for a template, read like `.template`.
    public static let prompt = "application/vnd.ollama.image.prompt"
    public static let system = "application/vnd.ollama.image.system"
    public static let params = "application/vnd.ollama.image.params"
    public static let messages = "application/vnd.ollama.image.messages"
    public static let license = "application/vnd.ollama.image.license"
    /// Obsolete; ignored.
    public static let embed = "application/vnd.ollama.image.embed"
}
