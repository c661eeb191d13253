import Foundation
import Testing
import TestSupport
@testable import Runtime

/// A LoRA adapter generated here, merged into f32 weights (the reference the runtime's unmerged path is
/// compared with), gives the logits of the weights merged by hand in double precision; and it changes the logits.
@Test func loraMergeMatchesWeightsMergedByHand() throws {
    let base = try GGUFFile(path: TestModels.smolLM2())
    let dir = NSTemporaryDirectory() + "mfc-lora-merge-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    var state: UInt64 = 99
    func random(_ n: Int, _ scale: Float) -> [Float] {
        (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * scale
        }
    }
    let rank = 4, alpha: Float = 8
    let targets = [("blk.0.attn_q.weight", 576, 576), ("blk.2.ffn_down.weight", 1536, 576)]   // (name, in, out)
    var adapterTensors: [(String, [Int], GGMLType, [UInt8])] = []
    var pairs: [String: (a: [Float], b: [Float])] = [:]
    for (name, input, output) in targets {
        let a = random(rank * input, 0.2), b = random(output * rank, 0.2)
        pairs[name] = (a, b)
        adapterTensors += [(name + ".lora_a", [input, rank], .f32, f32Bytes(a)), (name + ".lora_b", [rank, output], .f32, f32Bytes(b))]
    }
    try writeGGUF(dir + "/adapter.gguf", metadata: [
        ("general.architecture", .string("llama")), ("general.type", .string("adapter")),
        ("adapter.type", .string("lora")), ("adapter.lora.alpha", .float32(alpha)),
    ], tensors: adapterTensors)
    let adapter = LoRAAdapter(file: try GGUFFile(path: dir + "/adapter.gguf"))
    #expect(adapter.factor(rank: rank) == 2 && adapter.pairs.pairs.count == 2)
    try LoRAMerge.merge(base: base, adapters: [adapter], outputPath: dir + "/merged.gguf")

    // By hand: W + (alpha/r)·B·A in Double for the two targets; every other tensor exactly as the base has it.
    var handTensors: [(String, [Int], GGMLType, [UInt8])] = []
    for t in base.tensors {
        guard let (a, b) = pairs[t.name] else {
            handTensors.append((t.name, t.dimensions, t.type, Array(base.data(of: t))))
            continue
        }
        var w = [Float](repeating: 0, count: t.elementCount)
        let ok = w.withUnsafeMutableBufferPointer { p in dequantizeRow(t.type, base.data(of: t).baseAddress!, p.baseAddress!, count: t.elementCount) }
        #expect(ok)
        let input = t.dimensions[0], output = t.dimensions[1]
        for o in 0..<output {
            for i in 0..<input {
                var sum = 0.0
                for k in 0..<rank { sum += Double(b[o * rank + k]) * Double(a[k * input + i]) }
                w[o * input + i] = Float(Double(w[o * input + i]) + Double(alpha) / Double(rank) * sum)
            }
        }
        handTensors.append((t.name, t.dimensions, .f32, f32Bytes(w)))
    }
    try writeGGUF(dir + "/hand.gguf", metadata: base.metadata, tensors: handTensors)

    let tokens: [Int32] = [1, 504, 3458, 282]
    let merged = try LlamaModel(gguf: GGUFFile(path: dir + "/merged.gguf"), contextLength: 8, threads: 2).forward(tokens: tokens, startPosition: 0)
    let hand = try LlamaModel(gguf: GGUFFile(path: dir + "/hand.gguf"), contextLength: 8, threads: 2).forward(tokens: tokens, startPosition: 0)
    let plain = try LlamaModel(gguf: base, contextLength: 8, threads: 2).forward(tokens: tokens, startPosition: 0)
    let maxDiff = zip(merged, hand).map { abs($0 - $1) }.max() ?? .infinity
    let effect = zip(merged, plain).map { abs($0 - $1) }.max() ?? 0
    #expect(maxDiff < 2e-3, "max |merged - hand| = \(maxDiff)")
    #expect(effect > 0.05, "the adapter should change the logits (max change \(effect))")
}

/// token_embd follows llama.cpp's exception: lora_a is stored transposed (ne = [r, n_vocab]) and the
/// looked-up row of token t gains factor·Σ_k B[e][k]·A[t][k]; a tied output or an untransposed lora_a is refused.
@Test func tokenEmbeddingLoRAUsesTheTransposedConvention() throws {
    let dir = NSTemporaryDirectory() + "mfc-lora-embd-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let embd = 4, vocab = 6, rank = 2
    let w = (0..<embd * vocab).map { Float($0) / 8 }, out = [Float](repeating: 1, count: embd * vocab)
    let a = (0..<rank * vocab).map { Float($0 % 5) - 2 }, b = (0..<rank * embd).map { Float($0) / 4 - 1 }
    let arch: [(key: String, value: GGUFValue)] = [("general.architecture", .string("llama"))]
    try writeGGUF(dir + "/base.gguf", metadata: arch, tensors: [("token_embd.weight", [embd, vocab], .f32, f32Bytes(w)),
                                                                ("output.weight", [embd, vocab], .f32, f32Bytes(out))])
    try writeGGUF(dir + "/tied.gguf", metadata: arch, tensors: [("token_embd.weight", [embd, vocab], .f32, f32Bytes(w))])
    let adapterKeys = arch + [("general.type", .string("adapter")), ("adapter.type", .string("lora")), ("adapter.lora.alpha", .float32(4))]
    try writeGGUF(dir + "/lora.gguf", metadata: adapterKeys, tensors: [("token_embd.weight.lora_a", [rank, vocab], .f32, f32Bytes(a)),
                                                                       ("token_embd.weight.lora_b", [rank, embd], .f32, f32Bytes(b))])
    try writeGGUF(dir + "/plain.gguf", metadata: adapterKeys, tensors: [("token_embd.weight.lora_a", [embd, rank], .f32, f32Bytes(a.prefix(embd * rank).map { $0 })),
                                                                        ("token_embd.weight.lora_b", [rank, embd], .f32, f32Bytes(b))])
    let adapter = LoRAAdapter(file: try GGUFFile(path: dir + "/lora.gguf"))
    try LoRAMerge.merge(base: GGUFFile(path: dir + "/base.gguf"), adapters: [adapter], outputPath: dir + "/merged.gguf")
    let merged = try GGUFFile(path: dir + "/merged.gguf")
    let got = LoRAMerge.floats(merged, try #require(merged.tensor(named: "token_embd.weight")))
    for t in 0..<vocab {
        for e in 0..<embd {
            let delta = (0..<rank).reduce(Float(0)) { $0 + b[e * rank + $1] * a[t * rank + $1] }
            #expect(got[t * embd + e] == w[t * embd + e] + 2 * delta, "token \(t), element \(e)")
        }
    }
    #expect(LoRAMerge.floats(merged, try #require(merged.tensor(named: "output.weight"))) == out)

    let tied = adapter.problems(base: try GGUFFile(path: dir + "/tied.gguf"))
    #expect(tied == ["'token_embd.weight': the base model ties its output to token_embd, and a LoRA on a tied embedding is not supported"])
    let plain = LoRAAdapter(file: try GGUFFile(path: dir + "/plain.gguf")).problems(base: try GGUFFile(path: dir + "/base.gguf"))
    #expect(plain.contains("'token_embd.weight': lora_a has \(rank) rows, the embedding has \(vocab) tokens (lora_a must be transposed for token_embd)"), "\(plain)")
}
