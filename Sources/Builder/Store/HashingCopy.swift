import CFileCopy
import Foundation
import Synchronization

/// Copies a file into a new one and hashes the copy, so the digest is that of the bytes the copy
/// holds. A copier thread moves the bytes inside the kernel (`copy_file_range`: no trip through
/// user memory; a clone where the file system can share extents) chunk by chunk and starts each
/// chunk's writeback at once, while this thread hashes the copy's pages, still in the page cache,
/// through a read-only mapping as they arrive. The source is read once (by the kernel copy); the
/// disk works during the copy, so the final fsync has little left to wait for; and hashing, the
/// one CPU-bound part, runs beside the copy instead of between its reads and writes.
/// Where `copy_file_range` is refused (another file system, an old kernel) the copier reads and
/// writes through a buffer instead. Where the file system can share extents (`FICLONE`: btrfs,
/// XFS), the destination is a clone and only the hash reads the source.
/// The destination is fsynced (and stamped settled for the stat cache) before `run` returns.
struct HashingCopy {
    /// Bytes per `copy_file_range` call and per writeback start: large enough that the calls cost
    /// nothing beside the copy, small enough that hashing starts early (docs/store.md).
    static let chunkSize = 8 << 20

    let input: Int32
    /// Opened for reading too: the hash reads the copy back through a mapping.
    let output: Int32
    let size: Int
    var chunkSize = HashingCopy.chunkSize
    /// False: read and write through a buffer, as where the kernel refuses `copy_file_range`.
    var kernelCopy = true

    /// - Parameters:
    ///   - read: called with each chunk's byte count (source-read accounting).
    ///   - progress: bytes hashed of `size`.
    /// - Returns: the digest and byte count; an error when a read or write failed or the source
    ///   is not `size` bytes long any more.
    func run(read counted: (Int) -> Void, progress: ProgressHandler?) throws(StoreError) -> (digest: Digest, size: Int64) {
        _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)
        if Self.clone(from: input, to: output) { return try finish(hashSource(progress: progress, counted: counted)) }
        if size == 0 { return try finish(Digest.of([UInt8]())) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, output, 0), mapped != MAP_FAILED else {
            throw StoreError("cannot map the copy: \(String(cString: strerror(errno)))")
        }
        defer { munmap(mapped, size) }
        let copier = Copier(input: input, output: output, size: size, chunkSize: chunkSize, kernelCopy: kernelCopy)
        Thread { copier.run() }.start()
        var hasher = SHA256()
        var hashed = 0
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        var released = 0
        while hashed < size {
            let copied = copier.wait(beyond: hashed)
            guard copied > hashed else { break }   // the copier stopped early; it says why below
            // Only bytes the copier has written are touched: the mapping ends past the file's end
            // until then. A chunk at a time, each unmapped once hashed (its pages stay in the page
            // cache), so the resident size stays at a chunk instead of growing to the whole file.
            while hashed < copied {
                let n = min(chunkSize, copied - hashed)
                hasher.update(UnsafeRawBufferPointer(start: mapped + hashed, count: n))
                counted(n)
                hashed += n
                let whole = hashed / page * page
                if whole > released { _ = madvise(mapped + released, whole - released, MADV_DONTNEED); released = whole }
                progress?(Int64(hashed), Int64(size))
            }
        }
        copier.join()
        try copier.checkFailure()
        return try finish(Digest(bytes: hasher.finalize()))
    }

    /// Hashes the source with `read` (the destination is a clone of it).
    private func hashSource(progress: ProgressHandler?, counted: (Int) -> Void) throws(StoreError) -> Digest {
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(chunkSize, 1 << 20), alignment: 64)
        defer { buffer.deallocate() }
        var done = 0
        while done < size {
            let n = Glibc.read(input, buffer.baseAddress!, min(buffer.count, size - done))
            if n < 0 { if errno == EINTR { continue }; throw StoreError("cannot read the source: \(String(cString: strerror(errno)))") }
            if n == 0 { throw Copier.shortSource }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            done += n
            counted(n)
            progress?(Int64(done), Int64(size))
        }
        return Digest(bytes: hasher.finalize())
    }

    private func finish(_ digest: Digest) throws(StoreError) -> (digest: Digest, size: Int64) {
        StatCache.stampSettled(output)
        guard fsync(output) == 0 else { throw StoreError("cannot sync the copy: \(String(cString: strerror(errno)))") }
        return (digest, Int64(size))
    }

    /// Shares the source's extents with the empty destination; false where the file system cannot.
    private static func clone(from input: Int32, to output: Int32) -> Bool {
        // FICLONE = _IOW(0x94, 9, int); the ioctl macro is not visible from Swift.
        let ficlone: UInt = 0x4004_9409
        return ioctl(output, ficlone, input) == 0
    }
}

/// The copier thread: copies the source in order, chunk by chunk, publishing how many bytes of
/// the destination are written; after a failure it stops and records why.
private final class Copier: @unchecked Sendable {
    static let shortSource = StoreError("the source changed while it was being imported (it is shorter); build again")
    /// Recorded instead of an errno when the source ended before `size` bytes.
    private static let endedEarly: Int32 = -1

    let input: Int32
    let output: Int32
    let size: Int
    let chunkSize: Int
    private var kernelCopy: Bool
    /// Bytes of the destination written so far; each store is followed by a `published` signal.
    private let copied = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let failure = Atomic<Int32>(0)
    private let published = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    init(input: Int32, output: Int32, size: Int, chunkSize: Int, kernelCopy: Bool) {
        (self.input, self.output, self.size, self.chunkSize, self.kernelCopy) = (input, output, size, chunkSize, kernelCopy)
    }

    /// Waits until more than `done` bytes are written or the copier stopped; returns the bytes written.
    func wait(beyond done: Int) -> Int {
        while true {
            let now = copied.load(ordering: .acquiring)
            if now > done || stopped.load(ordering: .acquiring) { return copied.load(ordering: .acquiring) }
            published.wait()
        }
    }

    /// Waits for the thread to end.
    func join() { exited.wait() }

    func checkFailure() throws(StoreError) {
        switch failure.load(ordering: .acquiring) {
        case 0: return
        case Self.endedEarly: throw Self.shortSource
        case let code: throw StoreError("cannot copy the source: \(String(cString: strerror(code)))")
        }
    }

    func run() {
        defer {
            stopped.store(true, ordering: .releasing)
            published.signal()
            exited.signal()
        }
        var buffer: UnsafeMutableRawBufferPointer?
        defer { buffer?.deallocate() }
        var offset = 0
        // The hash waits for the first chunk: start small and double up to `chunkSize`.
        var step = min(chunkSize, 1 << 20)
        while offset < size {
            let want = min(step, size - offset)
            let n: Int
            if kernelCopy {
                var from = Int64(offset), to = Int64(offset)
                n = Int(mfc_copy_file_range(input, &from, output, &to, Int64(want)))
                if n < 0 && [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) { kernelCopy = false; continue }
            } else {
                let b = buffer ?? .allocate(byteCount: min(chunkSize, 1 << 20), alignment: 64)
                buffer = b
                n = copyThroughBuffer(b, at: offset, count: min(want, b.count))
            }
            if n < 0 {
                if errno == EINTR { continue }
                failure.store(errno == 0 ? EIO : errno, ordering: .releasing)
                return
            }
            if n == 0 { failure.store(Self.endedEarly, ordering: .releasing); return }
            _ = mfc_start_writeback(output, Int64(offset), Int64(n))   // a failure leaves it to fsync
            offset += n
            step = min(2 * step, chunkSize)
            copied.store(offset, ordering: .releasing)
            published.signal()
        }
    }

    /// One `pread` into `buffer` and the `pwrite`s of what it read; the bytes copied, 0 at the
    /// source's end, -1 with errno set.
    private func copyThroughBuffer(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int, count: Int) -> Int {
        let n = pread(input, buffer.baseAddress!, count, off_t(offset))
        guard n > 0 else { return n }
        var written = 0
        while written < n {
            let w = pwrite(output, buffer.baseAddress! + written, n - written, off_t(offset + written))
            if w < 0 { if errno == EINTR { continue }; return -1 }
            written += w
        }
        return n
    }
}
