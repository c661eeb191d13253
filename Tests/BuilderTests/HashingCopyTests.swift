import Foundation
import Testing
import TestSupport
@testable import Builder

/// The one-pass import copy: the copy holds the same bytes, the digest is theirs, and a short
/// source or a failed write is an error rather than a wrong blob or a hang.
struct HashingCopyTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "mfc-hashing-copy-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Sizes around the chunk size and past the ring of buffers, so every hand-over path runs.
    @Test(arguments: [0, 1, HashingCopy.chunkSize - 1, HashingCopy.chunkSize, HashingCopy.chunkSize + 1,
                      HashingCopy.chunkSize * (HashingCopy.depth + 2) + 12_345])
    func copiesAndHashesEveryByte(_ size: Int) throws {
        let seed: UInt64 = 0x5eed_0000 + UInt64(size)
        var rng = FuzzRandom(seed: seed)
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let source = try Self.temporaryFile(bytes)
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        let input = open(source, O_RDONLY), output = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        defer { close(input); close(output) }
        var counted = 0
        let result = try HashingCopy(input: input, output: output, size: size).run(read: { counted += $0 }, progress: nil)
        #expect(result.digest == Digest.of(bytes), "seed \(seed)")
        #expect(result.size == Int64(size) && counted == size)
        #expect(FileManager.default.contents(atPath: target) == Data(bytes), "seed \(seed)")
    }

    @Test func aSourceShorterThanItsSizeIsAnError() throws {
        let source = try Self.temporaryFile(Array(repeating: 7, count: 3 * HashingCopy.chunkSize))
        let target = source + ".copy"
        defer { unlink(source); unlink(target) }
        let input = open(source, O_RDONLY), output = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        defer { close(input); close(output) }
        #expect(throws: StoreError.self) {
            try HashingCopy(input: input, output: output, size: 5 * HashingCopy.chunkSize).run(read: { _ in }, progress: nil)
        }
    }

    @Test func aFailedWriteStopsTheCopy() throws {
        let source = try Self.temporaryFile(Array(repeating: 1, count: (HashingCopy.depth + 3) * HashingCopy.chunkSize))
        defer { unlink(source) }
        // /dev/full refuses every write with ENOSPC.
        let input = open(source, O_RDONLY), output = open("/dev/full", O_WRONLY)
        defer { close(input); close(output) }
        do {
            _ = try HashingCopy(input: input, output: output, size: (HashingCopy.depth + 3) * HashingCopy.chunkSize)
                .run(read: { _ in }, progress: nil)
            Issue.record("a copy to /dev/full succeeded")
        } catch {
            #expect(error.message.contains("cannot write the copy: No space left on device"), "\(error.message)")
        }
    }
}
