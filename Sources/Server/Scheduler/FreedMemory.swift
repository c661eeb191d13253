import Foundation

// Unloading a model frees its weights, tokenizer and scratch to malloc, and the KV caches' mappings to
// the system (munmap in KVCache's deinit). glibc keeps freed heap pages in its per-thread arenas, and a
// model loaded on a request's thread leaves tens of MiB there: malloc_trim gives every whole free page
// of every arena back, so the process's resident memory falls when a model goes. malloc_trim is not in
// Swift's Glibc module map, so it is looked up once by name.

enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }

    /// Returns the free pages of malloc's arenas to the system (nothing on a C library without malloc_trim).
    static func returnToSystem() { _ = trim?(0) }
}
