import Foundation
import Testing
import ModelfileLang
@testable import Builder
import Runtime

/// A tiny llama folder whose tokenizer_config.json carries `chatTemplate` (or, with `jinjaFile`, whose
/// chat_template.jinja does, as newer transformers versions save it).
private func folder(in dir: String, chatTemplate: String, jinjaFile: Bool = false) throws -> String {
    let hf = dir + "/tiny-hf"
    try FileManager.default.createDirectory(atPath: hf, withIntermediateDirectories: true)
    try TinyCheckpoint().write(to: hf)
    try """
    {"added_tokens":[{"id":0,"content":"<s>","special":true}],"pre_tokenizer":{"type":"ByteLevel"},
     "model":{"type":"BPE","vocab":{"<s>":0,"a":1,"b":2,"ab":3,"c":4,"d":5,"cd":6,"abcd":7},"merges":["a b","c d","ab cd"]}}
    """.write(toFile: hf + "/tokenizer.json", atomically: true, encoding: .utf8)
    if jinjaFile {
        try "{\"bos_token\":\"<s>\"}".write(toFile: hf + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        try chatTemplate.write(toFile: hf + "/chat_template.jinja", atomically: true, encoding: .utf8)
    } else {
        try "{\"bos_token\":\"<s>\",\"chat_template\":\(JSONValue.string(chatTemplate).goEncodedString)}"
            .write(toFile: hf + "/tokenizer_config.json", atomically: true, encoding: .utf8)
    }
    return hf
}

private func text(_ store: ModelStore, _ name: ModelName, _ mediaType: String) throws -> String? {
    guard let layer = try store.manifest(name)?.layers(ofType: mediaType).first else { return nil }
    return FileIO.read(store.blobs.path(of: layer.digest)).map { String(decoding: $0, as: UTF8.self) }
}

/// FROM a safetensors folder whose chat template is ChatML gets mfc's ChatML template and its stops;
/// an explicit TEMPLATE replaces the template (the detected stops stay, as with Ollama's detection).
@Test func safetensorsImportGetsFamilyTemplateAndStops() throws {
    let dir = temporaryDirectory("mfc-import-template"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let jinja = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    _ = try folder(in: dir, chatTemplate: jinja)
    let builder = ModelBuilder(store: store), name = ModelName(parsing: "tiny")
    let result = try builder.build(modelfile: "FROM ./tiny-hf\n", directory: dir, as: name)
    #expect(result.warnings.isEmpty)
    let family = try #require(ChatTemplateFamily.detect(jinja: jinja))
    #expect(family.name == "chatml")
    #expect(try text(store, name, MediaType.template) == family.template)
    let params = try JSONValue.parse(Array(try #require(try text(store, name, MediaType.params)).utf8))
    #expect(params == .object([("stop", .array([.string("<|im_start|>"), .string("<|im_end|>")]))]))

    _ = try builder.build(modelfile: "FROM ./tiny-hf\nTEMPLATE {{ .Prompt }}\n", directory: dir, as: name)
    #expect(try text(store, name, MediaType.template) == "{{ .Prompt }}")
    #expect(try store.manifest(name)?.layers(ofType: MediaType.template).count == 1)
}

/// A chat template of no known family: no template layer, and a warning that says what to do.
@Test func safetensorsImportWithUnknownTemplateWarns() throws {
    let dir = temporaryDirectory("mfc-import-template-unknown"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    _ = try folder(in: dir, chatTemplate: "{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}\n{% endfor %}")
    let name = ModelName(parsing: "tiny")
    let result = try ModelBuilder(store: store).build(modelfile: "FROM ./tiny-hf\n", directory: dir, as: name)
    #expect(result.warnings.count == 1, "\(result.warnings)")
    #expect(result.warnings.first?.contains("the chat template in tiny-hf is of no family mfc knows") == true, "\(result.warnings)")
    #expect(try text(store, name, MediaType.template) == nil)
}

/// A chat_template.jinja beside tokenizer_config.json is the model's chat template too.
@Test func chatTemplateJinjaFileIsRead() throws {
    let dir = temporaryDirectory("mfc-import-template-file"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let jinja = "{% for m in messages %}<start_of_turn>{{ m['role'] }}\n{{ m['content'] }}<end_of_turn>\n{% endfor %}"
    _ = try folder(in: dir, chatTemplate: jinja, jinjaFile: true)
    let name = ModelName(parsing: "tiny")
    let result = try ModelBuilder(store: store).build(modelfile: "FROM ./tiny-hf\n", directory: dir, as: name)
    #expect(result.warnings.isEmpty)
    #expect(try text(store, name, MediaType.template) == ChatTemplateFamily.gemma.template)
    let model = try #require(try store.manifest(name)?.layers(ofType: MediaType.model).first)
    #expect(try GGUFFile(path: store.blobs.path(of: model.digest))["tokenizer.chat_template"] == .string(jinja))
}
