import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Adapters applied beside the quantized matrices (the runtime's path) against the same adapters merged
/// into f32 copies of their targets (LoRAMerge, the reference): the same greedy tokens on SmolLM2 at
/// several scales and with two adapters stacked, and prompt logits much closer to the reference than the
/// adapter moves them: they differ by the int8 rounding of the activations the quantized matmuls take
/// (the merged f32 matrices see unrounded inputs; a max difference of ~1.5 over 49,152 logits is usual).
struct LoRAUnmergedTests {
    static let seed: UInt64 = 2026
    static let layers = [0, 9, 18, 29]

    /// A rank-`rank` adapter on every attention and MLP matrix of `layers`, values uniform in ±amplitude;
    /// F16 halves as llama.cpp's converter writes them, the second adapter without alpha.
    static func writeAdapter(_ path: String, base: GGUFFile, rank: Int, alpha: Float?, seed: UInt64, amplitude: Float) throws {
        var state = seed
        func random(_ n: Int) -> [UInt8] {
            let values = (0..<n).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float16((Float(state >> 40) / Float(1 << 24) - 0.5) * 2 * amplitude)
            }
            return values.withUnsafeBytes { Array($0) }
        }
        var tensors: [(String, [Int], GGMLType, [UInt8])] = []
        for l in layers {
            for name in ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"] {
                let target = "blk.\(l).\(name).weight"
                let shape = try #require(base.tensor(named: target)).dimensions   // [in, out]
                tensors.append((target + ".lora_a", [shape[0], rank], .f16, random(shape[0] * rank)))
                tensors.append((target + ".lora_b", [rank, shape[1]], .f16, random(rank * shape[1])))
            }
        }
        var metadata: [(key: String, value: GGUFValue)] = [("general.architecture", .string("llama")), ("general.type", .string("adapter")),
                                                            ("adapter.type", .string("lora"))]
        if let alpha { metadata.append(("adapter.lora.alpha", .float32(alpha))) }
        try writeGGUF(path, metadata: metadata, tensors: tensors)
    }

    /// Greedy tokens after `prompt`, one token per forward pass, and the logits of the prompt.
    static func greedy(_ model: LlamaModel, prompt: [Int32], count: Int) throws -> (tokens: [Int32], logits: [Float]) {
        let promptLogits = try model.forward(tokens: prompt, startPosition: 0, allLogits: true)
        let vocab = model.config.vocabularySize
        var last = Array(promptLogits.suffix(vocab)), tokens: [Int32] = []
        for i in 0..<count {
            let next = Int32(last.indices.max { last[$0] < last[$1] }!)
            tokens.append(next)
            last = try model.forward(tokens: [next], startPosition: prompt.count + i)
        }
        return (tokens, promptLogits)
    }

    @Test func unmergedAdaptersGiveTheMergedReferencesGreedyTokens() throws {
        let base = try GGUFFile(path: TestModels.smolLM2())
        let dir = NSTemporaryDirectory() + "mfc-lora-unmerged-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writeAdapter(dir + "/a.gguf", base: base, rank: 8, alpha: 16, seed: Self.seed, amplitude: 0.1)
        try Self.writeAdapter(dir + "/b.gguf", base: base, rank: 4, alpha: nil, seed: Self.seed + 1, amplitude: 0.1)
        let a = try GGUFFile(path: dir + "/a.gguf"), b = try GGUFFile(path: dir + "/b.gguf")
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: base))
        let prompt = tokenizer.encode("<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n").map(Int32.init)
        let plain = try Self.greedy(LlamaModel(gguf: base, contextLength: 64, threads: 2), prompt: prompt, count: 16)
        let configurations: [(String, [LoRAAdapter])] = [
            ("a@1", [LoRAAdapter(file: a)]), ("a@0.5", [LoRAAdapter(file: a, scale: 0.5)]), ("a@2", [LoRAAdapter(file: a, scale: 2)]),
            ("a@1+b@0.5", [LoRAAdapter(file: a), LoRAAdapter(file: b, scale: 0.5)]),
        ]
        for (name, adapters) in configurations {
            let mergedPath = dir + "/merged.gguf"
            try LoRAMerge.merge(base: base, adapters: adapters, outputPath: mergedPath)
            let merged = try Self.greedy(LlamaModel(gguf: GGUFFile(path: mergedPath), contextLength: 64, threads: 2), prompt: prompt, count: 16)
            let unmerged = try Self.greedy(LlamaModel(gguf: base, contextLength: 64, threads: 2, adapters: adapters), prompt: prompt, count: 16)
            func rms(_ x: [Float], _ y: [Float]) -> Float {
                (zip(x, y).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(max(1, x.count))).squareRoot()
            }
            let difference = rms(unmerged.logits, merged.logits), effect = rms(merged.logits, plain.logits)
            print("LoRA \(name) (seed \(Self.seed)): RMS |unmerged - merged| = \(difference), RMS change from the base = \(effect)")
            #expect(unmerged.tokens == merged.tokens, "\(name): unmerged \(unmerged.tokens), merged \(merged.tokens) (seed \(Self.seed))")
            #expect(effect > 0.5, "\(name): the adapter should change the logits (RMS change \(effect))")
            #expect(difference < effect / 2, "\(name): unmerged differs by \(difference) RMS, the adapter changes logits by \(effect)")
        }
    }
}
