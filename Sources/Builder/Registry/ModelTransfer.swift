import ModelfileLang
import Foundation
import ModelfileLang
import Synchronization

/// What a push or pull reports as it goes: status lines and per-blob progress, as Ollama's
/// `pulling <digest>` / `pushing <digest>` lines.
package protocol TransferObserver: Sendable {
    func status(_ text: String)
    /// A blob starts (`verb` is "pulling" or "pushing").
    func begin(_ digest: Digest, total: Int64, verb: String)
    func progress(_ digest: Digest, done: Int64)
    /// A blob ended: "done", "exists" (nothing moved) or "mounted".
    func finish(_ digest: Digest, outcome: String)
}

/// What moved in one push or pull.
package struct TransferReport: Sendable {
    package var manifestDigest: Digest
    /// Blobs whose bytes crossed the network.
    package var blobsSent = 0
    /// Blobs already at the destination (or mounted there).
    package var blobsSkipped = 0
    package var bytesSent: Int64 = 0
}

/// Settings of a push or pull.
package struct TransferOptions: Sendable {
    /// Plain HTTP instead of HTTPS.
    package var insecure = false
    /// Blobs moved at once.
    package var parallel = 3
    package var credentials: RegistryCredentials?
    /// Seconds a request may stall.
    package var timeout: Double = 60

    package init(insecure: Bool = false, parallel: Int = 3, credentials: RegistryCredentials? = nil) {
        self.insecure = insecure
        self.parallel = parallel
        self.credentials = credentials
    }
}

/// `mfc push` and `mfc pull`: Ollama's order on the wire, over the OCI distribution API.
package enum ModelTransfer {
    /// Pull: the manifest, then each blob the store lacks (several at once, each verified while it
    /// streams and renamed in only when complete), then the manifest file, byte for byte as the
    /// registry sent it (so its digest is the registry's).
    package static func pull(_ name: ModelName, into store: ModelStore, options: TransferOptions,
                             observer: any TransferObserver) throws(RegistryError) -> TransferReport {
        let address = try RegistryAddress(name, insecure: options.insecure)
        let auth = RegistryAuth(credentials: options.credentials)
        observer.status("pulling manifest")
        let client = RegistryClient(address: address, auth: auth, timeout: options.timeout)
        guard let (bytes, _) = try client.manifest(name.tag) else {
            throw RegistryError("model '\(name.displayShortest)' not found in \(address.host)")
        }
        let manifest: Manifest
        do { manifest = try Manifest(bytes: bytes) } catch { throw RegistryError("the manifest of \(name.displayShortest) is invalid: \(error)") }
        let lock: FileLock
        do { lock = try store.lock(exclusive: false) } catch { throw RegistryError(error.message) }
        defer { lock.unlock() }

        var report = TransferReport(manifestDigest: Digest.of(bytes))
        var missing: [Descriptor] = []
        for d in unique(manifest.allDescriptors) {
            if store.blobs.contains(d.digest, size: d.size) {
                observer.begin(d.digest, total: d.size, verb: "pulling")
                observer.finish(d.digest, outcome: "exists")
                report.blobsSkipped += 1
            } else {
                missing.append(d)
            }
        }
        try inParallel(missing, workers: options.parallel, address: address, auth: auth, push: false, timeout: options.timeout) { d, client throws(RegistryError) in
            observer.begin(d.digest, total: d.size, verb: "pulling")
            try BlobDownload.run(d.digest, size: d.size, client: client, blobs: store.blobs) { observer.progress(d.digest, done: $0) }
            observer.finish(d.digest, outcome: "done")
        }
        report.blobsSent = missing.count
        report.bytesSent = missing.reduce(0) { $0 + $1.size }
        observer.status("verifying sha256 digest")   // done while streaming; Ollama's step name
        observer.status("writing manifest")
        do { try store.writeManifestBytes(bytes, as: name) } catch { throw RegistryError(error.message) }
        return report
    }

    /// Push: HEAD each blob and upload what the registry lacks (POST, PATCH, PUT by digest, or a
    /// mount from the base model's repository), then PUT the stored manifest bytes.
    package static func push(_ name: ModelName, from store: ModelStore, options: TransferOptions,
                             observer: any TransferObserver) throws(RegistryError) -> TransferReport {
        let address = try RegistryAddress(name, insecure: options.insecure)
        observer.status("retrieving manifest")
        guard let bytes = store.manifestBytes(name) else { throw RegistryError("model '\(name.displayShortest)' not found") }
        let manifest: Manifest
        do { manifest = try Manifest(bytes: bytes) } catch { throw RegistryError("the manifest of \(name.displayShortest) is corrupt: \(error)") }
        let descriptors = unique(manifest.allDescriptors)
        for d in descriptors where !store.blobs.contains(d.digest, size: d.size) {
            throw RegistryError("blob \(d.digest.shortID) of \(name.displayShortest) is missing from the store; run mfc verify")
        }
        let auth = RegistryAuth(credentials: options.credentials)
        let sent = Mutex<(blobs: Int, bytes: Int64, skipped: Int)>((0, 0, 0))
        try inParallel(descriptors, workers: options.parallel, address: address, auth: auth, push: true, timeout: options.timeout) { d, client throws(RegistryError) in
            observer.begin(d.digest, total: d.size, verb: "pushing")
            if try client.hasBlob(d.digest) {
                observer.finish(d.digest, outcome: "exists")
                sent.withLock { $0.skipped += 1 }
                return
            }
            let uploaded = try client.upload(d.digest, size: d.size, file: store.blobs.path(of: d.digest),
                                             mountFrom: mountSource(d, host: address.host)) { observer.progress(d.digest, done: $0) }
            observer.finish(d.digest, outcome: uploaded ? "done" : "mounted")
            sent.withLock { if uploaded { $0.blobs += 1; $0.bytes += d.size } else { $0.skipped += 1 } }
        }
        observer.status("pushing manifest")
        let mediaType = (try? JSONValue.parse(bytes))?["mediaType"]?.stringValue ?? MediaType.manifest
        let digest = try RegistryClient(address: address, auth: auth, push: true, timeout: options.timeout).putManifest(bytes, tag: name.tag, mediaType: mediaType)
        let totals = sent.withLock { $0 }
        return TransferReport(manifestDigest: digest, blobsSent: totals.blobs, blobsSkipped: totals.skipped, bytesSent: totals.bytes)
    }

    /// The repository a layer inherited from (its `from` names a model on the same registry).
    static func mountSource(_ d: Descriptor, host: String) -> String? {
        guard !d.from.isEmpty else { return nil }
        let base = ModelName(parsing: d.from)
        guard base.isValid, base.host.lowercased() == host.lowercased() else { return nil }
        return "\(base.namespace)/\(base.model)"
    }

    /// Descriptors with repeated digests dropped (a config may equal a layer).
    static func unique(_ ds: [Descriptor]) -> [Descriptor] {
        var seen = Set<Digest>()
        return ds.filter { seen.insert($0.digest).inserted }
    }

    /// Runs `body` for every item on at most `workers` threads, each with its own connection;
    /// the first error stops new items and is rethrown.
    static func inParallel(_ items: [Descriptor], workers: Int, address: RegistryAddress, auth: RegistryAuth, push: Bool, timeout: Double,
                           _ body: @Sendable (Descriptor, RegistryClient) throws(RegistryError) -> Void) throws(RegistryError) {
        guard !items.isEmpty else { return }
        let next = Atomic<Int>(0)
        let failure = Mutex<RegistryError?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, items.count))) { _ in
            let client = RegistryClient(address: address, auth: auth, push: push, timeout: timeout)
            while failure.withLock({ $0 == nil }) {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < items.count else { return }
                do throws(RegistryError) { try body(items[i], client) } catch { failure.withLock { if $0 == nil { $0 = error } } }
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
    }
}

extension ModelStore {
    /// Writes a manifest's exact bytes (a pulled or imported one keeps the digest it had) after
    /// making the blobs it names durable.
    package func writeManifestBytes(_ bytes: [UInt8], as name: ModelName) throws(StoreError) {
        let path = manifestPath(canonical(name))
        if FileIO.read(path) == bytes { return }
        blobs.syncDirectory()
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        try FileIO.writeAtomically(bytes, to: path)
    }
}
