import Foundation
import Testing
import TestSupport
import KernelInterface
@testable import Runtime

// Decode attention at long context: the grouped kernel against the per-head one, and attention split into
// position chunks (one per thread, as llama.cpp's split-KV path) against the unsplit result.

/// Random f16 keys/values and f32 queries for `heads` query heads per KV head, two KV heads per row, from
/// `seed`. The single-group helpers read the second KV head (with the first `heads` queries).
private struct AttentionCase {
    let hd: Int, heads: Int, positions: Int, stride: Int
    let q: [Float], keys: [Float16], values: [Float16]
    init(hd: Int, heads: Int, positions: Int, seed: UInt64) {
        self.hd = hd
        self.heads = heads
        self.positions = positions
        stride = 2 * hd
        var rng = TestRNG(seed: seed)
        q = (0..<2 * heads * hd).map { _ in Float.random(in: -2...2, using: &rng) }
        keys = (0..<positions * stride).map { _ in Float16(Float.random(in: -2...2, using: &rng)) }
        values = (0..<positions * stride).map { _ in Float16(Float.random(in: -2...2, using: &rng)) }
    }

    /// The grouped kernel over `range`: outputs (heads × hd), or partials with `partial`; with `bothGroups`, both
    /// KV heads in one call (2 × heads outputs).
    func group(_ k: KernelTable, _ range: Range<Int>, softcap: Float, partial: Bool = false, bothGroups: Bool = false) -> [Float] {
        let groups = bothGroups ? 2 : 1, first = bothGroups ? 0 : hd
        var out = [Float](repeating: .nan, count: groups * heads * (partial ? 2 + hd : hd))
        var scratch = [Float](repeating: .nan, count: k.attendGroupScratch(groups * heads, hd))
        keys.withUnsafeBufferPointer { kp in
            values.withUnsafeBufferPointer { vp in
                k.attendGroup(q, heads, groups, kp.baseAddress! + first, vp.baseAddress! + first, stride, range, 0.125, softcap, hd, partial,
                              &scratch, &out)
            }
        }
        return out
    }

    /// The per-head kernel over `range`, heads one after the other (`bothGroups`: the first KV head's, then the second's).
    func online(_ k: KernelTable, _ range: Range<Int>, softcap: Float, bothGroups: Bool = false) -> [Float] {
        let groups = bothGroups ? 2 : 1
        var out = [Float](repeating: .nan, count: groups * heads * hd)
        var scratch = [Float16](repeating: 0, count: 2 * hd)
        keys.withUnsafeBufferPointer { kp in
            values.withUnsafeBufferPointer { vp in
                for h in 0..<groups * heads {
                    let kv = bothGroups ? h / heads * hd : hd
                    out.withUnsafeMutableBufferPointer { o in
                        q.withUnsafeBufferPointer { qp in
                            k.attendOnline(qp.baseAddress! + h * hd, kp.baseAddress! + kv, vp.baseAddress! + kv, stride,
                                           range.lowerBound...range.upperBound - 1, 0.125, softcap, hd, &scratch, o.baseAddress! + h * hd)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Softmax attention of every head in Double over the f16 keys and values (scale 1/8, no softcap).
    func exact(_ range: Range<Int>) -> [Double] {
        (0..<heads).flatMap { h -> [Double] in
            let scores = range.map { j in (0..<hd).reduce(0.0) { $0 + Double(q[h * hd + $1]) * Double(keys[j * stride + hd + $1]) } / 8 }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }, total = weights.reduce(0, +)
            return (0..<hd).map { i in zip(range, weights).reduce(0.0) { $0 + $1.1 * Double(values[$1.0 * stride + hd + i]) } / total }
        }
    }

    /// The range cut as llama.cpp cuts its n_kv cells for `chunks` threads, each chunk's partial, merged per head.
    func split(_ k: KernelTable, _ range: Range<Int>, chunks: Int, softcap: Float) -> [Float] {
        let cells = max(256, (range.upperBound + 255) / 256 * 256), size = (cells + chunks - 1) / chunks
        var partials: [Float] = []
        for c in 0..<chunks {
            let lower = max(range.lowerBound, c * size)
            partials += group(k, lower..<max(lower, min(range.upperBound, (c + 1) * size)), softcap: softcap, partial: true)
        }
        var out = [Float](repeating: .nan, count: heads * hd)
        let stride = heads * (2 + hd)
        for h in 0..<heads {
            out.withUnsafeMutableBufferPointer { o in
                partials.withUnsafeBufferPointer { p in k.mergePartials(p.baseAddress! + h * (2 + hd), chunks, stride, hd, o.baseAddress! + h * hd) }
            }
        }
        return out
    }
}

/// The grouped kernel (K and V rows read once for all heads of a KV head, blocks of 32 positions) computes
/// each head bit for bit as the per-head kernel (ggml's one-chunk arithmetic), on every variant, with and without
/// a softcap, for SmolLM2's and Gemma 3's shapes and one that is not a multiple of 64 dimensions, over ranges that
/// start and end inside a block, one KV head per call or both KV heads of the rows in one call.
@Test(arguments: InstructionSet.supported())
func groupedAttentionEqualsPerHead(_ isa: InstructionSet) {
    for (hd, heads, seed) in [(64, 3, UInt64(21)), (256, 4, 22), (80, 2, 23)] {
        let c = AttentionCase(hd: hd, heads: heads, positions: 1_000, seed: seed)
        for softcap in [Float(0), 0.5] {
            for range in [0..<1, 5..<1_000, 488..<1_000, 31..<97] {
                for both in [false, true] {
                    let grouped = c.group(isa.kernels, range, softcap: softcap, bothGroups: both)
                    let online = c.online(isa.kernels, range, softcap: softcap, bothGroups: both)
                    let differing = zip(grouped, online).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(grouped.count == online.count && differing == 0,
                            "\(isa) hd \(hd) heads \(heads) both KV heads \(both) range \(range) softcap \(softcap) seed \(seed): \(differing) values differ")
                }
            }
        }
    }
}

/// Attention split into one position chunk per thread, each with its own running max, sum and f16 accumulator,
/// then merged (ggml's split-KV reduction), against the unsplit result. One chunk is the unsplit result exactly.
/// With 2-4 chunks the results are not equal, and neither is exact: the f16 accumulators round (relative 2^-11
/// of the accumulated sum) at every position, against each chunk's own running max instead of the global one.
/// So both are compared with exact softmax attention in Double: the split result's largest error may be at most
/// 1.5 times the unsplit one's (measured 0.3-1.0 times: each chunk's f16 accumulation chain is shorter; the
/// unsplit error itself is up to 1.8% of the largest output over 4,200 positions).
@Test(arguments: InstructionSet.supported())
func splitAttentionMatchesUnsplit(_ isa: InstructionSet) {
    let seed = UInt64(31)
    let c = AttentionCase(hd: 64, heads: 3, positions: 4_200, seed: seed)
    for range in [0..<4_200, 3_688..<4_200, 0..<700] {
        let whole = c.group(isa.kernels, range, softcap: 0)
        #expect(c.split(isa.kernels, range, chunks: 1, softcap: 0).map(\.bitPattern) == whole.map(\.bitPattern),
                "\(isa) one chunk, range \(range), seed \(seed)")
        let exact = c.exact(range)
        let magnitude = exact.map(abs).max() ?? 1
        let wholeError = zip(whole, exact).map { abs(Double($0) - $1) }.max() ?? .infinity
        for chunks in 2...4 {
            let split = c.split(isa.kernels, range, chunks: chunks, softcap: 0)
            let splitError = zip(split, exact).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(splitError <= 1.5 * wholeError,
                    "\(isa) \(chunks) chunks, range \(range), seed \(seed): error \(splitError) split, \(wholeError) unsplit, of \(magnitude)")
        }
    }
}

/// The model's split decode path (pieces of (chunk, KV heads, head set) spread over the workers, partials,
/// merge) on SmolLM2 at 600 positions of context: 2 threads, two chunks per decode row, equal bit for bit to
/// 1 thread cutting the same two chunks, so the split over threads changes nothing but the time. (Against
/// the unsplit single-thread run the attention differs in f16 rounding, splitAttentionMatchesUnsplit; the
/// greedy tokens stay the same here.)
@Test func splitDecodeOverThreadsEqualsOneThread() throws {
    let gguf = try GGUFFile(path: TestModels.smolLM2())
    let one = try LlamaModel(gguf: gguf, contextLength: 640, threads: 1, batchSize: 256)
    let two = try LlamaModel(gguf: gguf, contextLength: 640, threads: 2, batchSize: 256)
    let unsplit = try LlamaModel(gguf: gguf, contextLength: 640, threads: 1, batchSize: 256)
    one.attentionChunks = 2
    two.attentionChunks = 2  // what 2 threads cut anyway (768 cells)
    unsplit.attentionChunks = 1
    let vocab = one.config.vocabularySize
    let prompt = (0..<600).map { Int32(($0 * 7919 + 31) % min(vocab, 32_000) + 3) }
    var logits = try [one, two, unsplit].map { try $0.forward(tokens: prompt, startPosition: 0) }
    for step in 0..<4 {
        #expect(logits[0] == logits[1], "step \(step): 2 threads differ from 1 thread with the same chunks")
        let ids = logits.map { l in l.indices.max { l[$0] < l[$1] }! }
        #expect(ids[0] == ids[2], "step \(step): argmax \(ids[0]) split, \(ids[2]) unsplit")
        logits = try [one, two, unsplit].map { try $0.forward(tokens: [Int32(ids[2])], startPosition: 600 + step) }
    }
}
