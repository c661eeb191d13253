import Foundation
import Synchronization

/// Progress of a long blob operation: bytes done of total.
public typealias ProgressHandler = @Sendable (_ done: Int64, _ total: Int64) -> Void

/// Content-addressed blobs under `<root>/blobs/sha256-<hex>`. Blobs are immutable: each is written
/// to a temporary file while being hashed, fsynced, then renamed into place only if absent.
public final class BlobStore: Sendable {
    public let directory: String
    /// Bytes read from source files (model weights, adapters) by `importFile` and `hashFile`:
    /// a no-op rebuild must leave this unchanged.
    public let sourceBytesRead = Atomic<Int>(0)
    static let chunkSize = 4 << 20

    public init(directory: String) {
        self.directory = directory
    }

    /// Where a blob lives (whether or not it exists).
    public func path(of digest: Digest) -> String { directory + "/" + digest.fileName }

    /// True when the blob exists with the expected size.
    public func contains(_ digest: Digest, size: Int64) -> Bool {
        guard let s = FileIO.status(path(of: digest)), s.isRegular else { return false }
        return s.size == size
    }

    /// Stores in-memory bytes; returns the descriptor fields (digest, size).
    @discardableResult
    public func write(_ bytes: [UInt8]) throws(StoreError) -> (digest: Digest, size: Int64) {
        let digest = Digest.of(bytes)
        let size = Int64(bytes.count)
        if contains(digest, size: size) { touch(digest); return (digest, size) }
        try FileIO.makeDirectory(directory)
        try FileIO.writeAtomically(bytes, to: path(of: digest))
        return (digest, size)
    }

    /// Streams a file into the store: one read pass that hashes and writes a temp file, then
    /// fsync and rename. If a blob with that digest already exists, the temp file is dropped.
    public func importFile(_ source: String, progress: ProgressHandler? = nil) throws(StoreError) -> (digest: Digest, size: Int64) {
        try FileIO.makeDirectory(directory)
        let temp = directory + "/sha256-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let output = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw FileIO.error("cannot create", temp) }
        var keepTemp = false
        defer { if !keepTemp { unlink(temp) } }
        let result: (digest: Digest, size: Int64)
        do {
            result = try stream(source, countAsSource: true, progress: progress) { (chunk) throws(StoreError) in
                guard FileIO.writeAll(output, chunk) else { throw FileIO.error("cannot write", temp) }
            }
        } catch { close(output); throw error }
        let synced = fsync(output) == 0
        close(output)
        guard synced else { throw FileIO.error("cannot sync", temp) }
        if contains(result.digest, size: result.size) { touch(result.digest); return result }
        guard rename(temp, path(of: result.digest)) == 0 else { throw FileIO.error("cannot rename into", path(of: result.digest)) }
        keepTemp = true
        FileIO.syncDirectory(directory)
        return result
    }

    /// Hashes a file without storing it (used to verify blobs and to key sources).
    public func hashFile(_ path: String, countAsSource: Bool = true,
                         progress: ProgressHandler? = nil) throws(StoreError) -> (digest: Digest, size: Int64) {
        try stream(path, countAsSource: countAsSource, progress: progress) { _ throws(StoreError) in }
    }

    /// Reads a file in large chunks, hashing each and handing it to `sink`.
    private func stream(_ path: String, countAsSource: Bool, progress: ProgressHandler?,
                        sink: (UnsafeRawBufferPointer) throws(StoreError) -> Void) throws(StoreError) -> (digest: Digest, size: Int64) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileIO.error("cannot open", path) }
        defer { close(input) }
        let total = FileIO.status(path)?.size ?? 0
        var hasher = SHA256()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlobStore.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer.baseAddress, buffer.count)
            if n < 0 { if errno == EINTR { continue }; throw FileIO.error("cannot read", path) }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(chunk)
            try sink(chunk)
            size += Int64(n)
            if countAsSource { sourceBytesRead.add(n, ordering: .relaxed) }
            progress?(size, total)
        }
        return (Digest(bytes: hasher.finalize()), size)
    }

    /// Sets the blob's mtime to now, as Ollama does when a layer is reused (GC keeps young blobs).
    public func touch(_ digest: Digest) { utimes(path(of: digest), nil) }

    /// Every file name in the blobs folder.
    public func allFileNames() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    public func remove(_ digest: Digest) { unlink(path(of: digest)) }
}
