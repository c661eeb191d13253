import Foundation
import ModelfileLang
import Synchronization

/// A shared build cache in a registry repository, in the manner of BuildKit's registry cache and
/// Bazel's remote cache: the output of an action (a quantized model blob) is stored as an OCI
/// artifact whose tag is `<kind>-<action key>`, with the output as its one layer and a small
/// config naming the action. Requests time out quickly; any failure becomes a note and a miss.
package final class RegistryActionCache: RemoteActionCache {
    static let configType = "application/vnd.mfc.action.config.v1+json"
    let address: RegistryAddress
    let auth: RegistryAuth
    let timeout: Double
    private let collected = Mutex<[String]>([])

    /// - Parameter reference: `[http://]host/namespace/repo` (`http://` means plain HTTP).
    package init(reference: String, credentials: RegistryCredentials?, timeout: Double = 15) throws(RegistryError) {
        let name = ModelName(parsing: reference.hasSuffix("/") ? String(reference.dropLast()) : reference)
        guard name.isValid, reference.contains("/") else {
            throw RegistryError("the build cache must be a registry repository like host/team/cache, got '\(reference)'")
        }
        address = try RegistryAddress(name, insecure: name.scheme == "http")
        auth = RegistryAuth(credentials: credentials)
        self.timeout = timeout
    }

    package var notes: [String] { collected.withLock { $0 } }

    private func note(_ text: String) { collected.withLock { $0.append("build cache \(address.host)/\(address.repository): \(text)") } }

    static func tag(_ kind: String, _ key: String) -> String { "\(kind)-\(key.filter(\.isHexDigit).prefix(64))" }

    package func fetch(_ key: String, kind: String, into blobs: BlobStore) -> (digest: Digest, size: Int64)? {
        let client = RegistryClient(address: address, auth: auth, timeout: timeout)
        do {
            guard let (bytes, _) = try client.manifest(Self.tag(kind, key)) else { return nil }
            let manifest = try Manifest(bytes: bytes)
            guard manifest.layers.count == 1, let output = manifest.layers.first else {
                note("entry for \(kind) has \(manifest.layers.count) layers; ignored")
                return nil
            }
            if !blobs.contains(output.digest, size: output.size) {
                try BlobDownload.run(output.digest, size: output.size, client: client, blobs: blobs) { _ in }
                blobs.syncDirectory()
            }
            return (output.digest, output.size)
        } catch {
            note("\(error); building locally")
            return nil
        }
    }

    package func store(_ key: String, kind: String, digest: Digest, size: Int64, mediaType: String, from blobs: BlobStore) {
        let client = RegistryClient(address: address, auth: auth, push: true, timeout: timeout)
        do {
            let config = JSONValue.object([("kind", .string(kind)), ("key", .string(key))]).goEncoded
            let configDigest = Digest.of(config)
            let temp = blobs.directory + "/cache-config-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            do { try FileIO.writeAtomically(config, to: temp, syncDirectory: false) } catch { throw RegistryError(error.message) }
            defer { unlink(temp) }
            for (d, s, file) in [(configDigest, Int64(config.count), temp), (digest, size, blobs.path(of: digest))] where !(try client.hasBlob(d)) {
                try client.upload(d, size: s, file: file)
            }
            let manifest = JSONValue.object([
                ("schemaVersion", .int(2)), ("mediaType", .string(OCIMediaType.manifest)),
                ("config", .object([("mediaType", .string(Self.configType)), ("digest", .string(configDigest.description)), ("size", .int(config.count))])),
                ("layers", .array([.object([("mediaType", .string(mediaType)), ("digest", .string(digest.description)), ("size", .int(Int(size)))])])),
            ]).goEncoded
            try client.putManifest(manifest, tag: Self.tag(kind, key), mediaType: OCIMediaType.manifest)
        } catch {
            note("could not upload the \(kind) result: \(error)")
        }
    }
}
