import Foundation

/// Fetches one blob into the store. Bytes go to `blobs/sha256-<hex>-partial` while being hashed; a
/// later run resumes after the bytes already there (re-hashing them, then asking for the rest with
/// a range request). Only a file whose size and SHA-256 match the digest is renamed to its blob
/// name; a mismatch deletes the partial file, so nothing of a corrupt blob stays in the store.
/// Two pulls of the same blob take turns through a lock on the partial file.
enum BlobDownload {
    static func partialPath(_ digest: Digest, in blobs: BlobStore) -> String { blobs.path(of: digest) + "-partial" }

    /// Downloads `digest` (`size` bytes) unless the store has it; reports bytes present so far.
    static func run(_ digest: Digest, size: Int64, client: RegistryClient, blobs: BlobStore,
                    progress: @escaping @Sendable (Int64) -> Void) throws(RegistryError) {
        try makeDirectory(blobs.directory)
        let path = partialPath(digest, in: blobs)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RegistryError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 { guard errno == EINTR else { break } }
        if blobs.contains(digest, size: size) { progress(size); return }   // another pull finished it

        let writer = PartialWriter(fd: fd, path: path, expected: size)
        try writer.rehashExisting()
        progress(writer.offset)
        var attempts = 0
        while writer.offset < size {
            attempts += 1
            do throws(RegistryError) {
                writer.beginRequest()
                _ = try client.fetchBlob(digest, from: writer.offset) { status, chunk in
                    try writer.append(chunk, status: status)
                    progress(writer.offset)
                }
                if writer.offset < size { throw RegistryError("the registry ended \(digest.shortID) after \(writer.offset) of \(size) bytes") }
            } catch {
                if writer.refused != nil || attempts >= 3 { throw writer.refused ?? error }
                usleep(useconds_t(200_000 * attempts))   // transient: resume after the bytes we have
            }
        }
        let actual = writer.finish()
        guard actual == digest else {
            unlink(path)
            throw RegistryError("refused \(digest.shortID): the downloaded bytes hash to \(actual.shortID), not to their digest")
        }
        guard fsync(fd) == 0, rename(path, blobs.path(of: digest)) == 0 else {
            throw RegistryError("cannot store blob \(digest.shortID): \(String(cString: strerror(errno)))")
        }
        blobs.directoryDirty.store(true, ordering: .releasing)
    }

    static func makeDirectory(_ path: String) throws(RegistryError) {
        do { try FileIO.makeDirectory(path) } catch { throw RegistryError(error.message) }
    }
}

/// The partial file and the hash of its bytes so far. Appends come from one delegate queue at a
/// time (in order), and the owner reads `offset` between requests.
private final class PartialWriter: @unchecked Sendable {
    let fd: Int32, path: String, expected: Int64
    private(set) var offset: Int64 = 0
    private var hasher = SHA256()
    /// Set when the registry sent more bytes than the digest's size: not worth retrying.
    private(set) var refused: RegistryError?

    init(fd: Int32, path: String, expected: Int64) {
        self.fd = fd
        self.path = path
        self.expected = expected
    }

    /// Hashes what an earlier run left (a longer file than the blob is started over).
    func rehashExisting() throws(RegistryError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw RegistryError("cannot stat \(path)") }
        var have = Int64(st.st_size)
        if have > expected { ftruncate(fd, 0); have = 0 }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while offset < have {
            let n = pread(fd, buffer.baseAddress, min(buffer.count, Int(have - offset)), off_t(offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += Int64(n)
        }
        ftruncate(fd, off_t(offset))
    }

    /// Writes and hashes one chunk; a 200 answer to a range request restarts from byte 0.
    func append(_ chunk: Data, status: Int) throws(RegistryError) {
        guard !chunk.isEmpty else { return }
        if status == 200 && offset > 0 && !restarted {
            ftruncate(fd, 0)
            offset = 0
            hasher = SHA256()
        }
        restarted = true
        guard offset + Int64(chunk.count) <= expected else {
            refused = RegistryError("refused: the registry sent more bytes than the blob's size \(expected)")
            throw refused!
        }
        let ok = chunk.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            hasher.update(raw)
            return true
        }
        guard ok else { throw RegistryError("cannot write \(path): \(String(cString: strerror(errno)))") }
        offset += Int64(chunk.count)
    }
    /// False until the first chunk of the current request.
    private var restarted = false
    func beginRequest() { restarted = false }

    func finish() -> Digest { Digest(bytes: hasher.finalize()) }
}
