#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only (`MAP_PRIVATE`). Tensor data is read in place: no copy of the weights.
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
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError("cannot stat \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError("\(path) is not a regular file", offset: 0) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw GGUFError("cannot map \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
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
    }

    /// Whether `bytes` come from mmap (else from `allocate`).
    private let isMapped: Bool

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) } else { base.deallocate() }
    }
}
