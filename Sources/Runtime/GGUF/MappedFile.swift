#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only (`MAP_PRIVATE`), with its descriptor kept open for `read(into:at:)`.
/// Data used where it lies is read in place; data copied elsewhere (repacked weights) is read with
/// `pread`, so its pages live in the page cache only and never count towards this process's memory.
///
/// A `final class` because several readers share one mapping and it must be unmapped exactly once.
package final class MappedFile: @unchecked Sendable {
    package let path: String
    /// The mapped bytes; valid for the lifetime of this object.
    package let bytes: UnsafeRawBufferPointer

    /// Opens and maps `path`. An empty file maps to an empty buffer.
    /// - Throws: `GGUFError` naming the path and the system error.
    package init(path: String) throws(GGUFError) {
        self.path = path
        isMapped = true
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GGUFError("cannot open \(path): \(String(cString: strerror(errno)))", offset: 0) }
        var keepOpen = false
        defer { if !keepOpen { close(fd) } }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError("cannot stat \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError("\(path) is not a regular file", offset: 0) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            descriptor = -1
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw GGUFError("cannot map \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        descriptor = fd
        keepOpen = true
    }

    /// Copies `buffer.count` bytes at `offset` (inside `bytes`) into `buffer` without touching the mapping.
    /// - Throws: `GGUFError` naming the path and the system error of a failed read.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(GGUFError) {
        guard offset >= 0, buffer.count <= bytes.count - offset else {
            throw GGUFError("read of \(buffer.count) bytes at \(offset) is outside \(path) (\(bytes.count) bytes)", offset: offset)
        }
        guard buffer.count > 0, let destination = buffer.baseAddress else { return }
        guard isMapped else {
            destination.copyMemory(from: bytes.baseAddress! + offset, byteCount: buffer.count)
            return
        }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, destination + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n == 0 ? "the file is shorter than when it was opened" : String(cString: strerror(errno))
                throw GGUFError("cannot read \(path): \(reason)", offset: offset + done)
            }
            done += n
        }
    }

    /// Drops the pages of `range` (a part of `bytes`) from this process's memory, so data copied out of the
    /// mapping is not resident twice; the pages read back from the file if touched again (the mapping is
    /// private and never written, so nothing is lost). Whole pages covering the range are released.
    package func releasePages(_ range: UnsafeRawBufferPointer) {
        guard isMapped, let start = range.baseAddress, let base = bytes.baseAddress, range.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lo = max(Int(bitPattern: base), Int(bitPattern: start) / page * page)
        let hi = min(Int(bitPattern: base) + bytes.count, Int(bitPattern: start) + range.count)
        guard hi > lo, let p = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        _ = madvise(p, hi - lo, Int32(MADV_DONTNEED))
    }

    /// A copy of `contents` in memory that reads like a mapped file named `path` (for parsing bytes that
    /// never were a file, such as generated or mutated headers).
    package init(copying contents: [UInt8], path: String) {
        self.path = path
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 64)
        contents.withUnsafeBytes { copy.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(copy)
        isMapped = false
        descriptor = -1
    }

    /// Whether `bytes` come from mmap (else from `allocate`).
    private let isMapped: Bool
    /// The open file behind the mapping, -1 for an empty file or a copy in memory.
    private let descriptor: Int32

    deinit {
        if descriptor >= 0 { close(descriptor) }
        guard let base = bytes.baseAddress else { return }
        if isMapped { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) } else { base.deallocate() }
    }
}
