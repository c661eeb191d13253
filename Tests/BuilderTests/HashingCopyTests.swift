import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Builder

/// The one-pass import copy: the copy holds the same bytes, the digest is theirs, and a short
/// source or a failed write is an error rather than a wrong blob, a crash or a hang.
struct HashingCopyTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "mfc-hashing-copy-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `count` seeded random bytes (eight at a time, so a few MiB stay quick in debug builds).
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = FuzzRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            var i = 0
            while i < count {
                var word = rng.next()
                for _ in 0..<min(8, count - i) { raw[i] = UInt8(truncatingIfNeeded: word); word >>= 8; i += 1 }
            }
        }
        return bytes
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let size: Int, chunk: Int, kernelCopy: Bool
        var testDescription: String { "\(size) bytes, \(chunk)-byte chunks, \(kernelCopy ? "copy_file_range" : "read and write")" }
    }

    /// Sizes around a SHA-256 block, a small chunk and the real chunk, with both copy paths, so
    /// every hand-over between the copier and the hasher runs.
    static let cases: [Case] = {
        let small = 64 << 10, real = HashingCopy.chunkSize
        let sizes = [(0, small), (1, small), (63, small), (64, small), (65, small), (small - 1, small), (small, small),
                     (small + 1, small), (5 * small + 12_345, small), (real - 1, real), (real + 1, real)]
        return sizes.flatMap { s in [true, false].map { Case(size: s.0, chunk: s.1, kernelCopy: $0) } }
    }()

    @Test(arguments: cases)
    func copiesAndHashesEveryByte(_ c: Case) throws {
        let seed: UInt64 = 0x5eed_0000 + UInt64(c.size)
        let bytes = Self.randomBytes(c.size, seed: seed)
        let source = try Self.temporaryFile(bytes)
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        let input = open(source, O_RDONLY), output = open(target, O_RDWR | O_CREAT | O_EXCL, 0o644)
        defer { close(input); close(output) }
        var counted = 0
        var copy = HashingCopy(input: input, output: output, size: c.size)
        copy.chunkSize = c.chunk
        copy.kernelCopy = c.kernelCopy
        let result = try copy.run(read: { counted += $0 }, progress: nil)
        #expect(result.digest == Digest.of(bytes), "seed \(seed)")
        #expect(result.size == Int64(c.size) && counted == c.size)
        #expect(FileManager.default.contents(atPath: target) == Data(bytes), "seed \(seed)")
    }

    /// The digest is the one `sha256sum` prints for the file (an outside check of the whole
    /// path, beside the NIST vectors of our SHA-256).
    @Test func theDigestIsSha256sums() throws {
        let seed: UInt64 = 0x5eed_5a5a
        let size = 2 * HashingCopy.chunkSize + 777
        let source = try Self.temporaryFile(Self.randomBytes(size, seed: seed))
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        let input = open(source, O_RDONLY), output = open(target, O_RDWR | O_CREAT | O_EXCL, 0o644)
        defer { close(input); close(output) }
        let result = try HashingCopy(input: input, output: output, size: size).run(read: { _ in }, progress: nil)
        let sum = Process(), out = Pipe()
        sum.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sum.arguments = ["sha256sum", target]
        sum.standardOutput = out
        try sum.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sum.waitUntilExit()
        #expect(sum.terminationStatus == 0, "sha256sum is needed by this test")
        #expect(printed.split(separator: " ").first.map(String.init) == result.digest.hex, "seed \(seed)")
    }

    @Test(arguments: [true, false])
    func aSourceShorterThanItsSizeIsAnError(kernelCopy: Bool) throws {
        let chunk = 64 << 10
        let source = try Self.temporaryFile(Array(repeating: 7, count: 3 * chunk))
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        let input = open(source, O_RDONLY), output = open(target, O_RDWR | O_CREAT | O_EXCL, 0o644)
        defer { close(input); close(output) }
        var copy = HashingCopy(input: input, output: output, size: 5 * chunk)
        (copy.chunkSize, copy.kernelCopy) = (chunk, kernelCopy)
        do {
            _ = try copy.run(read: { _ in }, progress: nil)
            Issue.record("a short source was copied")
        } catch {
            #expect(error.message.contains("it is shorter"), "\(error.message)")
        }
    }

    /// A destination that cannot be written (here: opened read-only) stops the copy with the
    /// system's reason, on both copy paths.
    @Test(arguments: [true, false])
    func aFailedWriteStopsTheCopy(kernelCopy: Bool) throws {
        let size = 3 * HashingCopy.chunkSize
        let source = try Self.temporaryFile(Array(repeating: 1, count: size))
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        close(open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644))
        let input = open(source, O_RDONLY), output = open(target, O_RDONLY)
        defer { close(input); close(output) }
        var copy = HashingCopy(input: input, output: output, size: size)
        copy.kernelCopy = kernelCopy
        do {
            _ = try copy.run(read: { _ in }, progress: nil)
            Issue.record("a copy to a read-only descriptor succeeded")
        } catch {
            #expect(error.message.contains("cannot copy the source: Bad file descriptor"), "\(error.message)")
        }
    }

    /// /dev/full cannot be mapped, so the copy cannot be hashed: an error, not a crash.
    @Test func aDestinationThatCannotBeMappedIsAnError() throws {
        let source = try Self.temporaryFile(Array(repeating: 1, count: 1000))
        defer { unlink(source) }
        let input = open(source, O_RDONLY), output = open("/dev/full", O_RDWR)
        defer { close(input); close(output) }
        #expect(throws: StoreError.self) { try HashingCopy(input: input, output: output, size: 1000).run(read: { _ in }, progress: nil) }
    }

    /// A source that shrinks while it is imported fails the import and leaves no blob and no
    /// temporary: a crash or an error never leaves a partial blob under a digest's name.
    @Test func aSourceThatShrinksMidImportLeavesNoBlob() throws {
        let dir = temporaryDirectory()
        defer { cleanup(dir) }
        let store = ModelStore(root: dir + "/store")
        let source = dir + "/model.gguf"
        let size = 6 * HashingCopy.chunkSize
        try Data(Self.randomBytes(size, seed: 0x5eed_0bad)).write(to: URL(fileURLWithPath: source))
        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let shrunk = Flag()
        do {
            _ = try store.blobs.importFile(source, progress: { _, _ in
                if !shrunk.raised.exchange(true, ordering: .relaxed) { truncate(source, off_t(size / 3)) }
            })
            Issue.record("the import of a source that shrank succeeded")
        } catch {
            #expect(error.message.contains("changed while it was being imported") || error.message.contains("it is shorter"), "\(error.message)")
        }
        let raised = shrunk.raised.load(ordering: .relaxed)
        #expect(raised, "the import never reported progress")
        #expect(store.blobs.allFileNames() == [], "left behind: \(store.blobs.allFileNames())")
    }
}
