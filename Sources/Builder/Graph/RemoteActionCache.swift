/// A cache of action outputs shared between machines (for example a registry, see
/// `RegistryActionCache`). A build asks it after a local miss and offers it what it computed.
/// It is an optimisation only: implementations swallow their own failures (a registry that is
/// down or slow means a local build), and say what happened through `notes`.
package protocol RemoteActionCache: Sendable {
    /// Brings the output of action `key` into `blobs` if the cache has it; returns its digest and size.
    func fetch(_ key: String, kind: String, into blobs: BlobStore) -> (digest: Digest, size: Int64)?
    /// Offers the output blob of action `key` (already in `blobs`) to the cache.
    func store(_ key: String, kind: String, digest: Digest, size: Int64, mediaType: String, from blobs: BlobStore)
    /// Warnings so far (cache unreachable, refused, ...), for the build log.
    var notes: [String] { get }
}
