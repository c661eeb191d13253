import Foundation
import Testing
import TestSupport
@testable import Runtime

// Agreement with llama.cpp, using reference data generated with llama.cpp
// (Tests/RuntimeTests/Data/{greedy,teacher-forcing}-*.json; see their "generator" field).
//
// On SmolLM2 Q4_1 every tensor of every layer is bit-identical to llama.cpp's (checked with
// `llama-ref dump`, scripts/reference/llama-ref.cpp): the Q4_1 × q8_1 dot products, RoPE with GCC's fused
// products, SwiGLU and softmax with ggml's approximate exp, and both flash-attention paths (tiled for
// batches of 64 or more, one-chunk below) round exactly like ggml's AVX-512 build. Only the LM head
// (Q8_0, llamafile's tinyBLAS in llama.cpp) differs, by about 3e-7 of the largest logit.

private func argmax(_ logits: ArraySlice<Float>) -> Int {
    var best = logits.startIndex
    for i in logits.indices where logits[i] > logits[best] { best = i }
    return best - logits.startIndex
}

/// Teacher forcing llama.cpp's own greedy sequences through the batched (matrix × matrix) path:
/// the issue asks for ≥ 99% argmax agreement (measured: 711/711).
@Test func teacherForcedArgmaxAgreesWithLlamaCpp() throws {
    let reference = try GenerationReferenceDataTests.load("teacher-forcing-smollm2.json", as: GenerationReferenceDataTests.Forced.self)
    let model = try LlamaModel(gguf: GGUFFile(path: TestModels.smolLM2()), contextLength: 512, threads: 2, batchSize: 128)
    let vocab = model.config.vocabularySize
    var agree = 0, total = 0
    var disagreements: [String] = []
    for (s, sequence) in reference.sequences.enumerated() {
        let logits = try model.forward(tokens: sequence.ids.map(Int32.init), startPosition: 0, allLogits: true)
        for i in sequence.ids.indices {
            let ours = argmax(logits[i * vocab ..< (i + 1) * vocab])
            total += 1
            if ours == sequence.argmax[i] { agree += 1 } else {
                disagreements.append("seq \(s) pos \(i): ours \(ours), llama.cpp \(sequence.argmax[i]) (gap \(sequence.top1[i] - sequence.top2[i]))")
            }
        }
    }
    print("teacher forcing on SmolLM2: argmax agreement \(agree)/\(total)")
    #expect(total > 0)
    #expect(Double(agree) >= 0.99 * Double(total), "argmax agreement \(agree)/\(total); \(disagreements.prefix(10))")
}

/// Gemma 3 (sliding window, q/k norms, post norms, GELU, Q5_0/Q4_K/Q6_K/Q8_0 kernels) against llama.cpp's
/// greedy continuations (scripts/reference/make-gemma3-greedy.py), step by step through the single-token
/// path, each prompt up to its first step where llama.cpp's own top two logits are within 0.1.
/// Gemma's matrices are not bit-exact with llama.cpp: it multiplies Q4_K through its repacked q4_K_8x8
/// kernels and Q5_0/Q8_0 prompt batches through llamafile's tinyBLAS, which round differently from
/// ggml's plain dot products that ours follow. Measured at layer 0 on "The capital of France is": the
/// post-attention norm output differs from llama.cpp's by up to 0.0097 on values up to 0.26, while ours
/// is nearer the exact f64 product of the same inputs (0.0019 against llama.cpp's 0.0085). So one prompt
/// may leave llama.cpp's path at a clear step: the fifth is the closest (0-based step 7, llama.cpp's gap
/// 0.118; the f32 model of `dequantized: true` has 0.078 there, the 4-row byte kernels 0.082, the one-row
/// int8 kernels they replaced crossed over).
@Test func greedyGenerationEqualsLlamaCppOnGemma3() throws {
    let reference = try GenerationReferenceDataTests.load("greedy-gemma3.json", as: GenerationReferenceDataTests.Greedy.self)
    let model = try LlamaModel(gguf: GGUFFile(path: TestModels.gemma3()), contextLength: 128, threads: 2, batchSize: 32)
    let vocab = model.config.vocabularySize
    var summary: [String] = [], passing = 0
    for prompt in reference.prompts {
        model.reset()
        var logits = try model.forward(tokens: prompt.promptIds.map(Int32.init), startPosition: 0)
        var position = prompt.promptIds.count, matched = 0
        for step in prompt.steps {
            let ours = argmax(logits[0..<vocab])
            guard ours == step.id else { break }
            matched += 1
            if matched == prompt.steps.count { break }
            logits = try model.forward(tokens: [Int32(ours)], startPosition: position)
            position += 1
        }
        let firstClose = prompt.steps.firstIndex { $0.top1 - $0.top2 < 0.1 } ?? prompt.steps.count
        summary.append("\(matched)/\(prompt.steps.count) (first near-tie \(firstClose))")
        if matched >= min(32, firstClose) { passing += 1 }
    }
    print("greedy-gemma3.json: equal steps per prompt \(summary.joined(separator: ", "))")
    #expect(reference.prompts.count == 6)
    #expect(passing >= reference.prompts.count - 1, "\(summary)")
}
