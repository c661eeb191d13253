import Foundation
import Runtime
import Synchronization

/// Progress of a long blob operation: bytes done of total.
package typealias ProgressHandler = @Sendable (_ done: Int64, _ total: Int64) -> Void

/// Content-addressed blobs under `<root>/blobs/sha256-<hex>`. Blobs are immutable: each is written
/// to a temporary file while being hashed, stamped settled for the stat cache, fsynced, then
/// renamed into place.
package final class BlobStore: Sendable {
    package let directory: String
    /// Bytes read from source files (model weights, adapters) by `importFile` and `hashFile`:
    /// a no-op rebuild must leave this unchanged.
    package let sourceBytesRead = Atomic<Int>(0)
    /// Bytes of stored blobs read to check their digest (`verify`, or a blob its stat does not vouch for).
    package let blobBytesHashed = Atomic<Int>(0)
    static let chunkSize = 4 << 20
    /// Set when a blob was renamed into place and the folder has not been fsynced since: blob
    /// writes skip the folder fsync and `syncDirectory()` does it once before a manifest is written.
    let directoryDirty = Atomic<Bool>(false)

    let temporaries: Temporaries

    /// The blobs folder `directory` (created on the first write).
    init(directory: String, temporaries: Temporaries) {
        self.directory = directory
        self.temporaries = temporaries
    }

    /// Where a blob lives (whether or not it exists).
    package func path(of digest: Digest) -> String { directory + "/" + digest.fileName }

    /// True when the blob exists with the expected size.
    package func contains(_ digest: Digest, size: Int64) -> Bool {
        guard let s = FileIO.status(path(of: digest)), s.isRegular else { return false }
        return s.size == size
    }

    /// Stores in-memory bytes; returns the descriptor fields (digest, size). An existing blob is
    /// kept only when its content is these bytes; a corrupt one is replaced.
    @discardableResult
    package func write(_ bytes: [UInt8]) throws(StoreError) -> (digest: Digest, size: Int64) {
        let digest = Digest.of(bytes)
        let size = Int64(bytes.count)
        if FileIO.read(path(of: digest)) == bytes { return (digest, size) }
        try temporaries.holdWriterLock()
        try FileIO.makeDirectory(directory)
        try FileIO.writeAtomically(bytes, to: path(of: digest), syncDirectory: false, settle: true)
        directoryDirty.store(true, ordering: .releasing)
        return (digest, size)
    }

    /// Brings a file into the store, reading it once: a thread copies it inside the kernel while
    /// this one hashes the copy (`HashingCopy`; a clone where the file system shares extents). The copy is
    /// fsynced, checked by `validate` (a file that is not a model never becomes a blob), then
    /// renamed to its digest: the fresh copy replaces any blob already there, because only the
    /// fresh copy's content is known to match the digest. The blob is never more readable than
    /// its source. A source that changes during the import is an error.
    package func importFile(_ source: String, progress: ProgressHandler? = nil,
                           validate: () throws(StoreError) -> Void = {}) throws(StoreError) -> (digest: Digest, size: Int64) {
        try FileIO.makeDirectory(directory)
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileIO.error("cannot open", source) }
        defer { close(input) }
        guard let before = FileIO.status(source) else { throw FileIO.error("cannot stat", source) }
        guard before.isRegular else { throw StoreError("\(source) is \(before.kindDescription), not a model file") }
        let temp = try temporaries.path(in: directory, kind: "sha256")
        let output = open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644 & before.permissions)
        guard output >= 0 else { throw FileIO.error("cannot create", temp) }
        var keepTemp = false
        defer { if !keepTemp { unlink(temp) } }

        let hashed: (digest: Digest, size: Int64)
        do {
            hashed = try HashingCopy(input: input, output: output, size: Int(before.size))
                .run(read: { sourceBytesRead.add($0, ordering: .relaxed) }, progress: progress)
        } catch {
            close(output)
            throw StoreError("\(source): \(error.message)")
        }
        close(output)
        guard let after = FileIO.status(source), after.size == before.size, after.mtimeNanoseconds == before.mtimeNanoseconds,
              FileIO.status(temp)?.size == before.size else {
            throw StoreError("\(source) changed while it was being imported; build again")
        }
        try validate()
        guard rename(temp, path(of: hashed.digest)) == 0 else { throw FileIO.error("cannot rename into", path(of: hashed.digest)) }
        keepTemp = true
        directoryDirty.store(true, ordering: .releasing)
        return hashed
    }

    /// Hashes a file without storing it (used to verify blobs and to key sources).
    package func hashFile(_ path: String, countAsSource: Bool = true,
                         progress: ProgressHandler? = nil) throws(StoreError) -> (digest: Digest, size: Int64) {
        try stream(path, countAsSource: countAsSource, progress: progress)
    }

    /// Reads a file in large chunks and hashes them.
    private func stream(_ path: String, countAsSource: Bool, progress: ProgressHandler?) throws(StoreError) -> (digest: Digest, size: Int64) {
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
            size += Int64(n)
            if countAsSource { sourceBytesRead.add(n, ordering: .relaxed) } else { blobBytesHashed.add(n, ordering: .relaxed) }
            progress?(size, total)
        }
        return (Digest(bytes: hasher.finalize()), size)
    }

    /// Makes every blob rename so far durable (one folder fsync for a whole build).
    package func syncDirectory() {
        if directoryDirty.exchange(false, ordering: .acquiringAndReleasing) { FileIO.syncDirectory(directory) }
    }

    /// Every file name in the blobs folder.
    package func allFileNames() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// Deletes a blob (callers check first that nothing references it).
    package func remove(_ digest: Digest) { unlink(path(of: digest)) }
}
