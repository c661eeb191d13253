import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Resident pages of a cache's mapping (mincore), keys and values together.
private func residentPages(_ cache: KVCache) -> Int {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let pages = (cache.byteCount + page - 1) / page
    var flags = [UInt8](repeating: 0, count: pages)
    guard mincore(cache.keys, cache.byteCount, &flags) == 0 else { return -1 }
    return flags.reduce(0) { $0 + Int($1 & 1) }
}

/// A cache costs the pages its positions touch, and a reset gives them back to the system (not only marks
/// them free), so an idle slot dropped under the KV budget lowers the process's resident memory.
@Test func resetReturnsTheCachePages() throws {
    let model = try LlamaModel(gguf: GGUFFile(path: TestModels.smolLM2()), contextLength: 512, threads: 2)
    let sequence = try model.makeSequence()
    #expect(residentPages(sequence.cache) == 0)
    let tokens = (0..<200).map { Int32(($0 * 7919) % 30_000 + 3) }
    _ = try model.forward([SequenceStep(sequence: sequence, tokens: tokens, startPosition: 0)])
    let used = residentPages(sequence.cache)
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    // At least the bytes of the 200 positions written (keys and values of every layer).
    #expect(used * page >= 200 * sequence.bytesPerPosition, "\(used) pages resident")
    sequence.reset()
    #expect(residentPages(sequence.cache) == 0)
}
