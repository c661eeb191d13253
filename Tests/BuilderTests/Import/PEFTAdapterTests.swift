import Foundation
import Testing
import TestSupport
@testable import Builder
import Runtime

/// A PEFT LoRA folder for SmolLM2 (576 wide, 9 heads, 3 KV heads): rank 4, alpha 8, seeded F32 values.
private func writeAdapter(to dir: String, layers: [Int], vOutputs: Int = 192) throws -> [String: [Float]] {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "{\"r\":4,\"lora_alpha\":8,\"target_modules\":[\"q_proj\",\"v_proj\"],\"peft_type\":\"LORA\"}"
        .write(toFile: dir + "/adapter_config.json", atomically: true, encoding: .utf8)
    var state: UInt64 = 7
    var values: [String: [Float]] = [:]
    var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
    for layer in layers {
        for (module, outputs) in [("q_proj", 576), ("v_proj", vOutputs)] {
            for (kind, shape) in [("lora_A", [4, 576]), ("lora_B", [outputs, 4])] {
                let name = "base_model.model.model.layers.\(layer).self_attn.\(module).\(kind).weight"
                let v = (0..<shape[0] * shape[1]).map { _ -> Float in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return Float(Int(state >> 53) - 512) / 4096
                }
                values[name] = v
                tensors.append((name, "F32", shape, v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }))
            }
        }
    }
    try writeSafetensors(tensors, to: dir + "/adapter_model.safetensors")
    return values
}

private func floats(_ file: GGUFFile, _ name: String) throws -> [Float] {
    let t = try #require(file.tensor(named: name))
    let raw = file.data(of: t)
    return (0..<t.elementCount).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
}

@Test func peftAdapterBuildsIntoAGGUFLoRAThatFitsTheBase() throws {
    let dir = temporaryDirectory("mfc-lora"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let source = try writeAdapter(to: dir + "/lora", layers: [0, 1])
    let name = ModelName(parsing: "smol-lora")
    let result = try ModelBuilder(store: store).build(modelfile: "FROM \(try TestModels.smolLM2())\nADAPTER ./lora\n", directory: dir, as: name)
    #expect(result.steps.first { $0.name == "adapter" }?.status == .done)
    let layer = try #require(try store.manifest(name)?.layers(ofType: MediaType.adapter).first)
    let adapter = try GGUFFile(path: store.blobs.path(of: layer.digest))
    #expect(adapter["general.type"] == .string("adapter") && adapter["adapter.type"] == .string("lora"))
    #expect(adapter["adapter.lora.alpha"] == .float32(8) && adapter.architecture == "llama")
    #expect(adapter.tensor(named: "blk.0.attn_q.weight.lora_a")?.dimensions == [576, 4])
    #expect(adapter.tensor(named: "blk.1.attn_v.weight.lora_b")?.dimensions == [4, 192])

    // lora_a is copied as is; lora_b of Q gets the base weight's rotary row permutation (64-dim heads):
    // GGUF row 2i + j of a head is HF row j·32 + i.
    #expect(try floats(adapter, "blk.0.attn_q.weight.lora_a") == source["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"])
    let b = try floats(adapter, "blk.0.attn_q.weight.lora_b"), hfB = try #require(source["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"])
    for row in [0, 1, 2, 3, 64 + 5] {
        let hfRow = (row / 64) * 64 + (row % 2) * 32 + (row % 64) / 2
        #expect(Array(b[row * 4 ..< row * 4 + 4]) == Array(hfB[hfRow * 4 ..< hfRow * 4 + 4]), "row \(row)")
    }
    #expect(try floats(adapter, "blk.1.attn_v.weight.lora_b") == source["base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"])

    let again = try ModelBuilder(store: store).build(modelfile: "FROM \(try TestModels.smolLM2())\nADAPTER ./lora\nSYSTEM x\n", directory: dir, as: name)
    #expect(again.steps.first { $0.name == "adapter" }?.status == .cached)
}

@Test func mismatchedAdapterIsRefusedSayingWhatDoesNotFit() throws {
    let dir = temporaryDirectory("mfc-lora-bad"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    _ = try writeAdapter(to: dir + "/lora", layers: [0, 40], vOutputs: 100)
    let error = #expect(throws: StoreError.self) {
        try ModelBuilder(store: store).build(modelfile: "FROM \(try TestModels.smolLM2())\nADAPTER ./lora\n", directory: dir, as: ModelName(parsing: "bad"))
    }
    let message = error?.message ?? ""
    #expect(message.hasPrefix("ADAPTER lora does not fit the base model:"))
    #expect(message.contains("'blk.0.attn_v.weight': lora_b has 100 outputs, the base weight has 192"))
    #expect(message.contains("the base model has no tensor 'blk.40.attn_q.weight'"))
    #expect(try store.manifest(ModelName(parsing: "bad")) == nil)
}

/// The GGUF LoRA fixtures that llama.cpp's logits were taken with (Tests/RuntimeTests/Data).
private func loraFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RuntimeTests/Data/\(name)").path
}

/// Logits of a built model's last position after `tokens`, its ADAPTER layers merged as `mfc run` does.
private func logits(of name: ModelName, in store: ModelStore, tokens: [Int32]) throws -> [Float] {
    let resolved = try store.resolve(name)
    var gguf = try GGUFFile(path: resolved.modelPath)
    let merged = NSTemporaryDirectory() + "mfc-peft-vs-gguf-\(getpid())-\(name.displayShortest).gguf"
    defer { unlink(merged) }
    try LoRAMerge.merge(base: gguf, adapters: try resolved.adapterPaths.map { LoRAAdapter(file: try GGUFFile(path: $0)) }, outputPath: merged)
    gguf = try GGUFFile(path: merged)
    return try LlamaModel(gguf: gguf, contextLength: 16, threads: 2).forward(tokens: tokens, startPosition: 0)
}

/// A GGUF LoRA (written by the `gguf` Python package; llama.cpp agrees with mfc on it, see LoRALlamaCppTests)
/// is stored as the adapter layer unchanged; the same adapter as a PEFT folder (HF row order, rank_pattern
/// for the rank-2 tensor) builds into an adapter that gives exactly the same logits.
@Test func ggufLoRAIsStoredAsIsAndMatchesTheSameAdapterInPEFTForm() throws {
    let dir = temporaryDirectory("mfc-gguf-lora"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let fixture = loraFixture("lora-smollm2-a.gguf"), gguf = try GGUFFile(path: fixture)
    let smol = try TestModels.smolLM2()

    // PEFT form of the fixture: lora_A [r, in] and lora_B [out, r] in row-major order are GGUF's lora_a and
    // lora_b, except that Q's lora_b rows go back to Hugging Face's order (GGUF row 2i + j of a 64-row head
    // is HF row j·32 + i).
    let modules = ["blk.0.attn_q.weight": "model.layers.0.self_attn.q_proj", "blk.0.attn_v.weight": "model.layers.0.self_attn.v_proj",
                   "blk.3.ffn_down.weight": "model.layers.3.mlp.down_proj"]
    var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
    for pair in LoRAAdapter(file: gguf).pairs.pairs {
        let module = try #require(modules[pair.target])
        let a = LoRAMerge.floats(gguf, pair.a), b = LoRAMerge.floats(gguf, pair.b)
        let rank = pair.rank, outputs = b.count / rank
        var hfB = b
        if pair.target.contains("attn_q") {
            for row in 0..<outputs {
                let head: Int = row / 64, within: Int = row % 64
                let hfRow: Int = head * 64 + (within % 2) * 32 + within / 2
                hfB.replaceSubrange(hfRow * rank ..< (hfRow + 1) * rank, with: b[row * rank ..< (row + 1) * rank])
            }
        }
        let bytes = { (v: [Float]) in v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } } }
        tensors.append(("base_model.model.\(module).lora_A.weight", "F32", [rank, a.count / rank], bytes(a)))
        tensors.append(("base_model.model.\(module).lora_B.weight", "F32", [outputs, rank], bytes(hfB)))
    }
    try FileManager.default.createDirectory(atPath: dir + "/peft", withIntermediateDirectories: true)
    try "{\"r\":4,\"lora_alpha\":8,\"rank_pattern\":{\"down_proj\":2},\"peft_type\":\"LORA\"}"
        .write(toFile: dir + "/peft/adapter_config.json", atomically: true, encoding: .utf8)
    try writeSafetensors(tensors, to: dir + "/peft/adapter_model.safetensors")

    let fromGGUF = ModelName(parsing: "smol-gguf-lora"), fromPEFT = ModelName(parsing: "smol-peft-lora")
    _ = try ModelBuilder(store: store).build(modelfile: "FROM \(smol)\nADAPTER \(fixture)\n", directory: dir, as: fromGGUF)
    _ = try ModelBuilder(store: store).build(modelfile: "FROM \(smol)\nADAPTER ./peft\n", directory: dir, as: fromPEFT)
    let layer = try #require(try store.manifest(fromGGUF)?.layers(ofType: MediaType.adapter).first)
    #expect(layer.digest == Digest.of(Array(try Data(contentsOf: URL(fileURLWithPath: fixture)))), "stored byte for byte")

    let tokens: [Int32] = [1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47]
    let x = try logits(of: fromGGUF, in: store, tokens: tokens), y = try logits(of: fromPEFT, in: store, tokens: tokens)
    let base = try LlamaModel(gguf: GGUFFile(path: smol), contextLength: 16, threads: 2).forward(tokens: tokens, startPosition: 0)
    let diff = zip(x, y).map { abs($0 - $1) }.max() ?? .infinity, effect = zip(x, base).map { abs($0 - $1) }.max() ?? 0
    #expect(diff < 1e-4, "max |GGUF LoRA - PEFT LoRA| = \(diff)")
    #expect(effect > 1, "the adapter changes the logits by \(effect)")
}

@Test func ggufLoRAForAnotherArchitectureIsRefused() throws {
    let dir = temporaryDirectory("mfc-gguf-lora-bad"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let error = #expect(throws: StoreError.self) {
        try ModelBuilder(store: store).build(modelfile: "FROM \(try TestModels.gemma3())\nADAPTER \(loraFixture("lora-smollm2-b.gguf"))\n",
                                             directory: dir, as: ModelName(parsing: "bad"))
    }
    let message = error?.message ?? ""
    #expect(message.hasPrefix("ADAPTER lora-smollm2-b.gguf does not fit the base model:"), "\(message)")
    #expect(message.contains("it is for architecture 'llama' but the base model is 'gemma3'"))
    #expect(message.contains("'blk.1.ffn_up.weight': lora_a has 576 inputs, the base weight has 640"))
}

/// A PEFT folder with several problems names all of them, not only the first.
@Test func peftAdapterListsEveryMismatch() throws {
    let dir = temporaryDirectory("mfc-lora-mismatches")
    defer { cleanup(dir) }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "{\"r\":4,\"lora_alpha\":8}".write(toFile: dir + "/adapter_config.json", atomically: true, encoding: .utf8)
    func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: 4 * n) }
    let prefix = "base_model.model.model.layers."
    try writeSafetensors([
        ("extra.weight", "F32", [2, 2], zeros(4)),                                              // not a LoRA tensor
        (prefix + "0.self_attn.q_proj.lora_A.weight", "F32", [3, 576], zeros(3 * 576)),        // rank 3, config says 4
        (prefix + "0.self_attn.q_proj.lora_B.weight", "F32", [576, 3], zeros(576 * 3)),
        (prefix + "1.self_attn.v_proj.lora_A.weight", "F32", [4, 576], zeros(4 * 576)),        // no lora_B
    ], to: dir + "/adapter_model.safetensors")
    let error = #expect(throws: StoreError.self) {
        try PEFTAdapterImporter.importFolder(dir, baseArchitecture: "llama", baseHeads: (9, 3), to: dir + "/out.gguf")
    }
    let message = error?.description ?? ""
    #expect(message.contains("unexpected tensor 'extra.weight'"), "\(message)")
    #expect(message.contains("q_proj.lora_A.weight' has rank 3"), "\(message)")
    #expect(message.contains("q_proj.lora_B.weight' has rank 3"), "\(message)")
    #expect(message.contains("blk.1.attn_v.weight.lora_a has no matching lora_b"), "\(message)")
}
