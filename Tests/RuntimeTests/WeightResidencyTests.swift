import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Loading reads the weights with `pread` into their repacked copies, never through the file's mapping, so
/// each weight is resident once: after the load and a forward pass no page of the GGUF mapping is in this
/// process's page table (the present bit of /proc/self/pagemap; the kernel's page cache does not count).
struct WeightResidencyTests {
    @Test func loadedModelKeepsNoPageOfItsFileMapped() throws {
        let gguf = try GGUFFile(path: TestModels.smolLM2())
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        // The probe sees pages read in place: the vocabulary was read from the header.
        #expect(try presentPages(gguf.bytes) > 0)
        let model = try LlamaModel(gguf: gguf, contextLength: 64, threads: 1)
        #expect(try presentPages(gguf.bytes) == 0, "after loading")
        _ = try model.forward(tokens: tokenizer.encode("The capital of France is").map { Int32($0) }, startPosition: 0)
        #expect(try presentPages(gguf.bytes) == 0, "after a forward pass (embedding rows)")
    }

    /// Pages of `range` present in this process's page table.
    private func presentPages(_ range: UnsafeRawBufferPointer) throws -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: range.baseAddress!)
        let first = start / page, last = (start + range.count - 1) / page
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/pagemap"))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(first * 8))
        let entries = try handle.read(upToCount: (last - first + 1) * 8) ?? Data()
        #expect(entries.count == (last - first + 1) * 8)
        return entries.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - 7, by: 8).count { raw.loadUnaligned(fromByteOffset: $0, as: UInt64.self) >> 63 == 1 }
        }
    }
}
