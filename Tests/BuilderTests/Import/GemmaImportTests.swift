import Foundation
import Testing
@testable import Builder
import Runtime

/// A tiny Gemma 2 in HF layout: sandwich-norm naming, +1 on every norm, no Q/K permutation, tied output.
@Test func gemma2ImportRenamesNormsAddsOneAndKeepsRowOrder() throws {
    let dir = temporaryDirectory("mfc-gemma2")
    defer { cleanup(dir) }
    try """
    {"architectures":["Gemma2ForCausalLM"],"hidden_size":32,"intermediate_size":64,"num_hidden_layers":1,
     "num_attention_heads":2,"num_key_value_heads":1,"head_dim":16,"max_position_embeddings":64,"rms_norm_eps":1e-06,
     "rope_theta":10000.0,"vocab_size":8,"sliding_window":32,"attn_logit_softcapping":50.0,"final_logit_softcapping":30.0}
    """.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
    try """
    {"added_tokens":[{"id":0,"content":"<bos>","special":true}],"pre_tokenizer":{"type":"ByteLevel"},
     "model":{"type":"BPE","vocab":{"<bos>":0,"a":1,"b":2,"ab":3,"c":4,"d":5,"cd":6,"abcd":7},"merges":["a b","c d","ab cd"]}}
    """.write(toFile: dir + "/tokenizer.json", atomically: true, encoding: .utf8)
    var values: [String: [Float]] = [:]
    var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
    let shapes: [(String, [Int])] = [
        ("model.embed_tokens.weight", [8, 32]), ("model.norm.weight", [32]),
        ("model.layers.0.self_attn.q_proj.weight", [32, 32]), ("model.layers.0.self_attn.k_proj.weight", [16, 32]),
        ("model.layers.0.self_attn.v_proj.weight", [16, 32]), ("model.layers.0.self_attn.o_proj.weight", [32, 32]),
        ("model.layers.0.mlp.gate_proj.weight", [64, 32]), ("model.layers.0.mlp.up_proj.weight", [64, 32]),
        ("model.layers.0.mlp.down_proj.weight", [32, 64]), ("model.layers.0.input_layernorm.weight", [32]),
        ("model.layers.0.post_attention_layernorm.weight", [32]), ("model.layers.0.pre_feedforward_layernorm.weight", [32]),
        ("model.layers.0.post_feedforward_layernorm.weight", [32]),
    ]
    for (i, (name, shape)) in shapes.enumerated() {
        let v = (0..<shape.reduce(1, *)).map { Float(($0 * 7 + i * 13) % 29) / 64 - 0.25 }   // exact in f16
        values[name] = v
        tensors.append((name, "F32", shape, v.withUnsafeBytes { Array($0) }))
    }
    try writeSafetensors(tensors, to: dir + "/model.safetensors")
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")

    #expect(g.architecture == "gemma2" && g.tensor(named: "output.weight") == nil)
    #expect(g["gemma2.attention.sliding_window"] == .uint32(32) && g["gemma2.final_logit_softcapping"] == .float32(30))
    #expect(g["gemma2.attention.key_length"] == .uint32(16) && g["tokenizer.ggml.pre"] == .string("gpt-2"))
    func floats(_ name: String) throws -> [Float] {
        let t = try #require(g.tensor(named: name)), raw = g.data(of: t)
        return (0..<t.elementCount).map { i in
            t.type == .f32 ? raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                           : halfToFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        }
    }
    let norms = ["blk.0.attn_norm.weight": "input_layernorm", "blk.0.post_attention_norm.weight": "post_attention_layernorm",
                 "blk.0.ffn_norm.weight": "pre_feedforward_layernorm", "blk.0.post_ffw_norm.weight": "post_feedforward_layernorm"]
    for (gguf, hf) in norms {
        #expect(try floats(gguf) == values["model.layers.0.\(hf).weight"]?.map { $0 + 1 }, "\(gguf)")
    }
    #expect(try floats("output_norm.weight") == values["model.norm.weight"]?.map { $0 + 1 })
    #expect(g.tensor(named: "blk.0.attn_q.weight")?.type == .f16 && g.tensor(named: "blk.0.attn_q.weight")?.dimensions == [32, 32])
    #expect(try floats("blk.0.attn_q.weight") == values["model.layers.0.self_attn.q_proj.weight"])   // rows not permuted
    #expect(try floats("blk.0.ffn_down.weight") == values["model.layers.0.mlp.down_proj.weight"])
}
