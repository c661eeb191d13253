import Foundation
import Runtime

/// A two-layer llama-architecture GGUF with deterministic F32 weights and a 32-token BPE vocabulary,
/// small enough to write, break and load in microseconds. Tests change one key or tensor and check what
/// the runtime and the build say about it.
package struct TinyModel {
    package var embedding = 32, feedForward = 64, heads = 2, kvHeads = 1, layers = 2, vocabulary = 32
    /// Metadata entries written after the defaults; an entry with a key that is already there replaces it
    /// in place, and `nil` removes the key.
    package var overrides: [(key: String, value: GGUFWriter.Value?)] = []
    /// Tensors left out of the file.
    package var omitted: Set<String> = []
    /// Values forced into tensors: name → (index, value).
    package var pokes: [String: (index: Int, value: Float)] = [:]

    package init() {}

    /// The file's bytes.
    package func bytes() -> [UInt8] {
        var metadata: [(key: String, value: GGUFWriter.Value)] = [
            ("general.architecture", .value(.string("llama"))),
            ("llama.block_count", .value(.uint32(UInt32(layers)))),
            ("llama.context_length", .value(.uint32(256))),
            ("llama.embedding_length", .value(.uint32(UInt32(embedding)))),
            ("llama.feed_forward_length", .value(.uint32(UInt32(feedForward)))),
            ("llama.attention.head_count", .value(.uint32(UInt32(heads)))),
            ("llama.attention.head_count_kv", .value(.uint32(UInt32(kvHeads)))),
            ("llama.attention.layer_norm_rms_epsilon", .value(.float32(1e-5))),
            ("llama.rope.freq_base", .value(.float32(10_000))),
            ("tokenizer.ggml.model", .value(.string("gpt2"))),
            ("tokenizer.ggml.tokens", .strings((0..<vocabulary).map { i in i < 26 ? String(UnicodeScalar(97 + i)!) : "<t\(i)>" })),
            ("tokenizer.ggml.merges", .strings(["a b"])),
            ("tokenizer.ggml.bos_token_id", .value(.uint32(0))),
            ("tokenizer.ggml.eos_token_id", .value(.uint32(1))),
        ]
        for (key, value) in overrides {
            let i = metadata.firstIndex { $0.key == key }
            switch (i, value) {
            case let (i?, value?): metadata[i].value = value
            case let (nil, value?): metadata.append((key, value))
            case let (i?, nil): metadata.remove(at: i)
            case (nil, nil): break
            }
        }
        var tensors: [(name: String, dims: [Int])] = [("token_embd.weight", [embedding, vocabulary])]
        let headDim = embedding / heads
        for l in 0..<layers {
            let p = "blk.\(l)."
            tensors += [
                (p + "attn_norm.weight", [embedding]), (p + "attn_q.weight", [embedding, heads * headDim]),
                (p + "attn_k.weight", [embedding, kvHeads * headDim]), (p + "attn_v.weight", [embedding, kvHeads * headDim]),
                (p + "attn_output.weight", [heads * headDim, embedding]), (p + "ffn_norm.weight", [embedding]),
                (p + "ffn_gate.weight", [embedding, feedForward]), (p + "ffn_up.weight", [embedding, feedForward]),
                (p + "ffn_down.weight", [feedForward, embedding]),
            ]
        }
        tensors += [("output_norm.weight", [embedding])]
        tensors.removeAll { omitted.contains($0.name) }
        let data: [[UInt8]] = tensors.enumerated().map { t, tensor in
            let count = tensor.dims.reduce(1, *)
            var values = (0..<count).map { i -> Float in
                tensor.dims.count == 1 ? 1 : Float((i * 7 + t * 13) % 29) / 29 - 0.5
            }
            if let poke = pokes[tensor.name] { values[poke.index] = poke.value }
            return values.withUnsafeBytes { Array($0) }
        }
        let infos = zip(tensors, data).map { GGUFOutputTensor(name: $0.name, dimensions: $0.dims, type: .f32, byteCount: $1.count) }
        var bytes = GGUFWriter.header(metadata: metadata, tensors: infos, alignment: 32)
        for d in data {
            bytes += d
            bytes += [UInt8](repeating: 0, count: padded(bytes.count, to: 32) - bytes.count)
        }
        return bytes
    }

    /// The model parsed in memory.
    package func file() throws -> GGUFFile { try GGUFFile(bytes: bytes(), path: "tiny.gguf") }

    /// Writes the file to `path`.
    package func write(to path: String) throws { try Data(bytes()).write(to: URL(fileURLWithPath: path)) }
}
