/// The OCI image spec's media types and layout files that registries and `skopeo` use beside
/// Ollama's Docker-v2 names.
package enum OCIMediaType {
    package static let manifest = "application/vnd.oci.image.manifest.v1+json"
    package static let index = "application/vnd.oci.image.index.v1+json"
    /// The annotation that names a manifest's tag in an image layout's index.json.
    package static let refName = "org.opencontainers.image.ref.name"
}
