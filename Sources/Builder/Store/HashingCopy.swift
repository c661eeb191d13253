import Foundation
import Synchronization

/// Copies a file into a new one while hashing it, reading each byte of the source once: this
/// thread reads a chunk and hashes it while a writer thread writes the chunks before it, so the
/// copy costs about one read, one hash and one write, not two reads. Where the file system can
/// share extents (`FICLONE`: btrfs, XFS), the destination is a clone and only the hash reads.
/// The destination is fsynced (and stamped settled for the stat cache) before `run` returns.
struct HashingCopy {
    static let chunkSize = 1 << 20
    /// Chunks in flight between the reader and the writer.
    static let depth = 4

    let input: Int32
    let output: Int32
    let size: Int

    /// - Parameters:
    ///   - read: called with each chunk's byte count (source-read accounting).
    ///   - progress: bytes hashed of `size`.
    /// - Returns: the digest and byte count; an error when a read or write failed or the source
    ///   is not `size` bytes long any more.
    func run(read counted: (Int) -> Void, progress: ProgressHandler?) throws(StoreError) -> (digest: Digest, size: Int64) {
        _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)
        if Self.clone(from: input, to: output) {
            let digest = try hash(progress: progress, counted: counted, writer: nil)
            return try finish(digest)
        }
        let writer = ChunkWriter(output: output)
        let writing = Thread { writer.run() }
        writing.start()
        let digest: Result<Digest, StoreError>
        do throws(StoreError) { digest = .success(try hash(progress: progress, counted: counted, writer: writer)) } catch {
            digest = .failure(error)
        }
        writer.finish()
        try writer.checkFailure()
        return try finish(digest.get())
    }

    /// Reads the source in order, hashing each chunk and handing it to `writer` (if any).
    private func hash(progress: ProgressHandler?, counted: (Int) -> Void, writer: ChunkWriter?) throws(StoreError) -> Digest {
        var hasher = SHA256()
        var done = 0
        let own = writer == nil ? UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64) : nil
        defer { own?.deallocate() }
        while done < size {
            guard let buffer = own ?? writer?.emptyBuffer() else { break }   // nil: the writer failed
            var filled = 0
            while filled < buffer.count && done + filled < size {
                let n = Glibc.read(input, buffer.baseAddress! + filled, min(buffer.count - filled, size - done - filled))
                if n < 0 { if errno == EINTR { continue }; throw StoreError("cannot read the source: \(String(cString: strerror(errno)))") }
                if n == 0 { throw StoreError("the source changed while it was being imported (it is shorter); build again") }
                filled += n
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            hasher.update(chunk)
            writer?.write(filled)
            done += filled
            counted(filled)
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

/// The writer thread's side: a ring of `HashingCopy.depth` buffers filled in order by the reader
/// and written in order by `run`. After a failed write it keeps taking chunks without writing
/// them, and `emptyBuffer` returns nil, so the reader stops at its next chunk.
private final class ChunkWriter: @unchecked Sendable {
    let output: Int32
    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Byte counts per ring slot; 0 ends the stream. Each slot is handed over through the semaphores.
    private let lengths: UnsafeMutablePointer<Int>
    /// Starts at 0 and is signalled `depth` times: libdispatch traps when a semaphore that ends
    /// below its starting value is freed, which a reader stopped by an error would leave.
    private let empty = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let failure = Atomic<Int32>(0)
    private var readerSlot = 0

    init(output: Int32) {
        self.output = output
        buffers = (0..<HashingCopy.depth).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: HashingCopy.chunkSize, alignment: 64) }
        lengths = .allocate(capacity: HashingCopy.depth)
        lengths.initialize(repeating: 0, count: HashingCopy.depth)
        for _ in 0..<HashingCopy.depth { empty.signal() }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        lengths.deallocate()
    }

    /// The next buffer for the reader to fill (waits while all are in flight); nil after a failure.
    func emptyBuffer() -> UnsafeMutableRawBufferPointer? {
        empty.wait()
        guard failure.load(ordering: .acquiring) == 0 else { empty.signal(); return nil }
        return buffers[readerSlot]
    }

    /// Hands the buffer from `emptyBuffer` over with `count` bytes in it.
    func write(_ count: Int) {
        lengths[readerSlot] = count
        readerSlot = (readerSlot + 1) % HashingCopy.depth
        filled.signal()
    }

    /// Ends the stream and waits for the writer to have written everything.
    func finish() {
        empty.wait()
        lengths[readerSlot] = 0
        filled.signal()
        stopped.wait()
    }

    func checkFailure() throws(StoreError) {
        let code = failure.load(ordering: .acquiring)
        guard code == 0 else { throw StoreError("cannot write the copy: \(String(cString: strerror(code)))") }
    }

    func run() {
        defer { stopped.signal() }
        var slot = 0
        while true {
            filled.wait()
            let count = lengths[slot]
            if count == 0 { return }
            if failure.load(ordering: .relaxed) == 0,
               !FileIO.writeAll(output, UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count])) {
                failure.store(errno == 0 ? EIO : errno, ordering: .releasing)
            }
            slot = (slot + 1) % HashingCopy.depth
            empty.signal()
        }
    }
}
