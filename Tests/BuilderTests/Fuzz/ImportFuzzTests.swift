import Foundation
import Testing
import ModelfileLang
import TestSupport
@testable import Builder
@testable import Runtime

/// 10,000 mutated safetensors headers: each parses or gives an error (finishing is the no-trap assertion),
/// many of them past the JSON into the checked shape and offset arithmetic.
@Test func mutatedSafetensorsHeadersParseOrFailWithAnError() throws {
    let seed = Fuzz.seed(default: 0x7361_6665), count = Fuzz.count(10_000)
    var rng = FuzzRandom(seed: seed)
    let header = Array("""
    {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]},\
    "b":{"dtype":"BF16","shape":[4],"data_offsets":[32,40]},"c":{"dtype":"F64","shape":[1,1,1],"data_offsets":[40,48]}}
    """.utf8)
    func file(_ json: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + [UInt8](repeating: 7, count: 48)
    }
    let dictionary = ["9223372036854775807", "2305843009213693952", "-1", "1e308", "\"F16\"", "\"I64\"", "[]", "null", "{", "\"",
                      "2147483648", "0", ",", "\"shape\":[", "\"data_offsets\":["].map { Array($0.utf8) }
    let startMemory = Fuzz.residentBytes()
    var parsed = 0, shapesChecked = 0
    for n in 0..<count {
        // Half the cases change numbers and dtypes only (still JSON, so the size checks are reached), the rest
        // mutate bytes framed with their true length, and one in eight mutates the framing too.
        let input = n % 8 == 0 ? Fuzz.mutate(file(header), region: 0..<8 + header.count, dictionary: dictionary, &rng)
            : n % 2 == 0 ? file(Array(renumbered(String(decoding: header, as: UTF8.self), &rng).utf8))
            : file(Fuzz.mutate(header, region: 0..<header.count, dictionary: dictionary, &rng))
        do {
            let file = try SafetensorsFile(bytes: input, path: "model.safetensors")
            parsed += 1
            for t in file.tensors { #expect(file.data(of: t).count == t.range.count, "seed \(seed), case \(n)") }
        } catch {
            #expect(error.message.hasPrefix("model.safetensors"), "seed \(seed), case \(n): \(error.message)")
            if error.message.contains(": tensor '") { shapesChecked += 1 }
        }
    }
    #expect(Fuzz.residentBytes() - startMemory < 1 << 30, "seed \(seed): resident memory grew past 1 GiB")
    // Most changed numbers make a tensor's size disagree with its offsets: the point is to reach those checks.
    #expect(parsed > 0 && shapesChecked > count / 4, "seed \(seed): \(parsed) parsed, \(shapesChecked) refused by a tensor check, of \(count)")
}

/// `json` with one to three numbers replaced by interesting ones and maybe one dtype changed.
func renumbered(_ json: String, _ rng: inout FuzzRandom) -> String {
    var text = json
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
        let numbers = text.ranges(of: /[0-9]+/)
        guard let range = numbers.randomElement(using: &rng) else { break }
        let value = Fuzz.interestingIntegers.randomElement(using: &rng)!
        text.replaceSubrange(range, with: Bool.random(using: &rng) ? String(value) : String(Int64(truncatingIfNeeded: value)))
    }
    if Bool.random(using: &rng), let dtype = text.ranges(of: /F32|BF16|F64/).randomElement(using: &rng) {
        text.replaceSubrange(dtype, with: ["F64", "F32", "F16", "BF16", "I8", "BOOL", "Q4"].randomElement(using: &rng)!)
    }
    return text
}

/// 10,000 mutated config.json files of every supported architecture: the GGUF keys are computed or the
/// import stops with an error naming config.json, never a trap (sizes past u32, NaN factors, huge lists).
@Test func mutatedConfigsGiveKeysOrAnError() throws {
    let seed = Fuzz.seed(default: 0x636F_6E66), count = Fuzz.count(10_000)
    var rng = FuzzRandom(seed: seed)
    let configs = [
        #"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"max_position_embeddings":256,"rms_norm_eps":1e-05,"rope_theta":10000.0,"vocab_size":32,"head_dim":16}"#,
        #"{"architectures":["Gemma3ForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":1,"head_dim":16,"sliding_window":512,"rope_local_base_freq":10000.0,"final_logit_softcapping":null,"query_pre_attn_scalar":16}"#,
        #"{"architectures":["Phi3ForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"max_position_embeddings":4096,"original_max_position_embeddings":2048,"partial_rotary_factor":0.75,"rope_scaling":{"type":"longrope","long_factor":[1,2,3,4,5,6],"short_factor":[1,1,1,1,1,1]}}"#,
        #"{"architectures":["Qwen2ForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":4,"sliding_window":null,"tie_word_embeddings":true}"#,
    ].map { Array($0.utf8) }
    let dictionary = ["1000000000000", "4294967296", "-7", "1e400", "NaN", "null", "0", "0.0", "[", "{", "\"", "true",
                      "\"rope_scaling\":{\"type\":\"yarn\",\"long_factor\":[1]},", "\"partial_rotary_factor\":1e300,"].map { Array($0.utf8) }
    var computed = 0
    for n in 0..<count {
        let base = configs[n % configs.count]
        let input = Fuzz.mutate(base, region: 0..<base.count, dictionary: dictionary, &rng)
        guard let config = try? JSONValue.parse(input), let name = config["architectures"]?.arrayValue?.first?.stringValue,
              let arch = HFArchitecture.supported[name] else { continue }
        do {
            _ = try HFModelMetadata.keys(config: config, architecture: arch, name: "fuzz")
            if arch.ggufName == "phi3" {
                _ = try RopeScaling.phi3FactorTensors(config: config, ropeDimensions: RopeScaling.phi3RopeDimensions(config))
            }
            computed += 1
        } catch {
            #expect(error.message.hasPrefix("config.json"), "seed \(seed), case \(n): \(error.message)")
        }
    }
    #expect(computed > count / 20, "seed \(seed): only \(computed) of \(count) configs gave keys")
}
