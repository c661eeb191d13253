import Foundation
import Testing
import TestSupport
@testable import Builder

/// The shared build cache (`--cache`) for every expensive step: a second store building the same
/// Modelfile (a safetensors folder, a PEFT adapter, a quantization) downloads each output from a
/// real registry instead of computing it, and gets the same manifest byte for byte.
@Suite(.serialized) struct SharedBuildCacheTests {
    /// A tiny llama checkpoint (rows of 32, so Q8_0 applies) with a tokenizer, and a rank-2 PEFT
    /// adapter on its q_proj and v_proj.
    static func sources(in dir: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/tiny-hf", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/lora", withIntermediateDirectories: true)
        let checkpoint = TinyCheckpoint(hidden: 32, intermediate: 64, heads: 2, kvHeads: 1)
        try checkpoint.write(to: dir + "/tiny-hf")
        try """
        {"added_tokens":[{"id":0,"content":"<s>","special":true}],"pre_tokenizer":{"type":"ByteLevel"},
         "model":{"type":"BPE","vocab":{"<s>":0,"a":1,"b":2,"ab":3,"c":4,"d":5,"cd":6,"abcd":7},"merges":["a b","c d","ab cd"]}}
        """.write(toFile: dir + "/tiny-hf/tokenizer.json", atomically: true, encoding: .utf8)
        try #"{"r":2,"lora_alpha":4,"target_modules":["q_proj","v_proj"],"peft_type":"LORA"}"#
            .write(toFile: dir + "/lora/adapter_config.json", atomically: true, encoding: .utf8)
        var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
        for (module, outputs) in [("q_proj", checkpoint.heads * checkpoint.headDim), ("v_proj", checkpoint.kvHeads * checkpoint.headDim)] {
            for (kind, shape) in [("lora_A", [2, checkpoint.hidden]), ("lora_B", [outputs, 2])] {
                let values = (0..<shape[0] * shape[1]).map { Float(($0 * 5 + outputs) % 17) / 32 - 0.25 }
                tensors.append(("base_model.model.model.layers.0.self_attn.\(module).\(kind).weight", "F32", shape,
                                values.withUnsafeBytes { Array($0) }))
            }
        }
        try writeSafetensors(tensors, to: dir + "/lora/adapter_model.safetensors")
    }

    @Test func aSecondStoreDownloadsImportAdapterAndQuantization() throws {
        let registry = try LocalRegistry()
        let dir = temporaryDirectory("mfc-shared-cache")
        defer { cleanup(dir) }
        try Self.sources(in: dir)
        var options = BuildOptions()
        options.quantize = QuantizeRequest(fileType: .q8_0)
        let name = ModelName(parsing: "tiny-lora")
        func build(_ store: String) throws -> (BuildResult, RegistryActionCache) {
            let cache = try RegistryActionCache(reference: "http://\(registry.host)/team/build-cache", credentials: nil)
            var o = options
            o.remoteCache = cache
            let result = try ModelBuilder(store: ModelStore(root: dir + "/" + store), clock: laterClock)
                .build(modelfile: "FROM ./tiny-hf\nADAPTER ./lora\n", directory: dir, as: name, options: o)
            return (result, cache)
        }
        func step(_ r: BuildResult, _ name: String) -> BuildStep? { r.steps.first { $0.name == name } }

        let (first, firstCache) = try build("first")
        #expect(firstCache.notes.isEmpty, "\(firstCache.notes)")
        for s in ["model", "adapter", "quantize"] {
            #expect(step(first, s)?.status == .done, "\(s): \(first.steps)")
            #expect(step(first, s)?.detail.contains("build cache") == false)
        }
        let (second, secondCache) = try build("second")
        #expect(secondCache.notes.isEmpty, "\(secondCache.notes)")
        for s in ["model", "adapter", "quantize"] {
            #expect(step(second, s)?.status == .cached, "\(s): \(second.steps)")
            #expect(step(second, s)?.detail.hasSuffix("downloaded from the build cache") == true, "\(s): \(step(second, s)?.detail ?? "")")
        }
        let path = "/manifests/registry.ollama.ai/library/tiny-lora/latest"
        let a = FileIO.read(dir + "/first" + path), b = FileIO.read(dir + "/second" + path)
        #expect(a != nil && a == b)
        // Every blob the second store got is the first store's, byte for byte.
        let manifest = try #require(try ModelStore(root: dir + "/second").manifest(name))
        for d in manifest.allDescriptors {
            #expect(FileIO.read(dir + "/first/blobs/sha256-\(d.digest.hex)") == FileIO.read(dir + "/second/blobs/sha256-\(d.digest.hex)"))
        }
    }
}
