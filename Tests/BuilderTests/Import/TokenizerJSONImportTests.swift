import Foundation
import Testing
@testable import Builder
import Runtime

/// tokenizer.json's newer merge format (pairs) may hold spaces inside a part; they are written as
/// U+0120 like llama.cpp does, and a ByteLevel post-processor means no BOS/EOS even when
/// tokenizer_config.json asks for them (llama.cpp lets the post-processor win).
@Test func pairMergesAndPostProcessorFollowLlamaCpp() throws {
    let dir = temporaryDirectory("mfc-tokenizer-json")
    defer { cleanup(dir) }
    try TinyCheckpoint(architecture: "Qwen2ForCausalLM", vocabulary: 6).write(to: dir)
    try """
    {"added_tokens":[{"id":5,"content":"<|endoftext|>","special":true}],"post_processor":{"type":"ByteLevel"},
     "model":{"type":"BPE","vocab":{"a":0,"b":1," ":2,"a ":3,"a b":4},"merges":[["a"," "],["a ","b"]]}}
    """.write(toFile: dir + "/tokenizer.json", atomically: true, encoding: .utf8)
    try "{\"add_bos_token\":true,\"bos_token\":\"<|endoftext|>\"}".write(toFile: dir + "/tokenizer_config.json", atomically: true, encoding: .utf8)
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")
    #expect(g["tokenizer.ggml.merges"]?.array?.strings() == ["a \u{120}", "a\u{120} b"])
    #expect(g["tokenizer.ggml.add_bos_token"] == .bool(false) && g["tokenizer.ggml.add_eos_token"] == .bool(false))
    #expect(g["tokenizer.ggml.bos_token_id"] == .uint32(5))
}

/// Every pre-tokenizer shape the importer recognises in tokenizer.json is written under a name the
/// runtime's tokenizer implements, so the imported model tokenizes (a plain ByteLevel split once
/// imported as `gpt2`, which the runtime refused).
@Test(arguments: [
    #"{"type":"ByteLevel","add_prefix_space":false}"#,
    #"{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"ByteLevel"}]}"#,
    #"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\p{N}{1,3}"}},{"type":"ByteLevel"}]}"#,
    #"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\p{N}"}},{"type":"ByteLevel"}]}"#,
    #"{"type":"Whitespace"}"#,
])
func everyImportedPreTokenizerRuns(_ preTokenizer: String) throws {
    let dir = temporaryDirectory("mfc-pretokenizer")
    defer { cleanup(dir) }
    try TinyCheckpoint(architecture: "Qwen2ForCausalLM", vocabulary: 6).write(to: dir)
    try """
    {"added_tokens":[{"id":5,"content":"<|endoftext|>","special":true}],"pre_tokenizer":\(preTokenizer),
     "model":{"type":"BPE","vocab":{"a":0,"b":1,"\u{120}":2,"a\u{120}":3,"1":4},"merges":[["a","\u{120}"]]}}
    """.write(toFile: dir + "/tokenizer.json", atomically: true, encoding: .utf8)
    try SafetensorsImporter.importFolder(dir, to: dir + "/out.gguf")
    let g = try GGUFFile(path: dir + "/out.gguf")
    let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: g))
    #expect(tokenizer.encode("a b1").isEmpty == false, "pre-tokenizer \(g["tokenizer.ggml.pre"].debugDescription)")
}
