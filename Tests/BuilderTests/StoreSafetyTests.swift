import Foundation
import Testing
import ModelfileLang
import Runtime
@testable import Builder

/// Builds on one store from many threads (same and different names, shared blobs) while models
/// are removed: every manifest left must verify clean.
@Test func concurrentBuildsAndRemovesKeepTheStoreConsistent() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let errors = ErrorBox()
    DispatchQueue.concurrentPerform(iterations: 16) { i in
        let builder = ModelBuilder(store: store)
        do {
            _ = try builder.build(modelfile: "FROM m.gguf\nSYSTEM s\(i % 3)\nLICENSE MIT\n", directory: dir, as: ModelName(parsing: "m\(i % 4)"))
            if i % 5 == 4 { _ = try store.remove(ModelName(parsing: "m\(i % 4)")) }
        } catch {
            if !"\(error)".contains("not found") { errors.add("\(error)") }
        }
    }
    #expect(errors.all.isEmpty)
    let report = store.verify()
    #expect(report.isClean)
    #expect(report.temporaryFiles.isEmpty)
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

/// Identical inputs give byte-identical manifests, in any store.
@Test func identicalInputsGiveIdenticalManifests() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let text = "FROM m.gguf\nSYSTEM s\nPARAMETER stop a\nPARAMETER temperature 0.5\nMESSAGE user hi\n"
    let a = ModelStore(root: dir + "/a"), b = ModelStore(root: dir + "/b")
    _ = try ModelBuilder(store: a).build(modelfile: text, directory: dir, as: ModelName(parsing: "x"))
    _ = try ModelBuilder(store: b).build(modelfile: text, directory: dir, as: ModelName(parsing: "x"))
    let bytesA = try #require(a.manifestBytes(ModelName(parsing: "x")))
    #expect(bytesA == b.manifestBytes(ModelName(parsing: "x")))
}

/// ADAPTER files are classified by content (package spec §3): a LoRA GGUF is an adapter layer,
/// an ordinary model GGUF given as ADAPTER is stored as a model layer.
@Test func adaptersAreClassifiedByContent() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    var lora = GGUFWriter()
    // Same architecture as the base: the build refuses adapters that do not fit (AdapterFit).
    lora.metadata = [("general.architecture", .value(.string("test"))), ("general.type", .value(.string("adapter"))),
                     ("adapter.type", .value(.string("lora")))]
    writeBytes(try lora.header(), to: dir + "/lora.gguf")
    _ = try ModelBuilder(store: store).build(modelfile: "FROM m.gguf\nADAPTER lora.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    let m = try #require(try store.manifest(ModelName(parsing: "a")))
    #expect(m.layers.map { stepName($0.mediaType) } == ["model", "adapter"])
    #expect(m.layers.last?.from == "lora.gguf")
    writeBytes(minimalGGUF(architecture: "other"), to: dir + "/plain.gguf")
    _ = try ModelBuilder(store: store).build(modelfile: "FROM m.gguf\nADAPTER plain.gguf\n", directory: dir, as: ModelName(parsing: "b"))
    #expect(try store.manifest(ModelName(parsing: "b"))?.layers.map { stepName($0.mediaType) } == ["model", "model"])
    let resolved = try store.resolve(ModelName(parsing: "a"))
    #expect(resolved.adapterPaths.count == 1)
}

/// Template auto-detection from `tokenizer.chat_template`, with a small named-template folder.
@Test func detectedTemplateAndStopsComeBeforeUserLayers() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let jinja = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    write("[{\"template\": \(String(decoding: JSONValue.string(jinja).goEncoded.dropLast(), as: UTF8.self)), \"name\": \"chatml\"}]", to: dir + "/templates/index.json")
    write("{{ .Prompt }}\r\n", to: dir + "/templates/chatml.gotmpl")
    write("{\"stop\": [\"<|im_start|>\", \"<|im_end|>\"]}", to: dir + "/templates/chatml.json")
    var w = GGUFWriter()
    // An architecture the runtime does not know: the build validates shapes only for those it runs.
    w.metadata = [("general.architecture", .value(.string("test"))), ("tokenizer.chat_template", .value(.string(jinja + " "))) ]
    writeBytes(try w.header(), to: dir + "/m.gguf")
    var options = BuildOptions()
    options.namedTemplates = try NamedTemplates(directory: dir + "/templates")
    let b = ModelBuilder(store: store)
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "d"), options: options)
    let m = try #require(try store.manifest(ModelName(parsing: "d")))
    // Ollama's setParameters re-appends the merged params layer after the user layers before it.
    #expect(m.layers.map { stepName($0.mediaType) } == ["model", "template", "system", "params"])
    let resolved = try store.resolve(ModelName(parsing: "d"))
    #expect(resolved.template == "{{ .Prompt }}\n")
    #expect(resolved.parameters["stop"] == .strings(["<|im_start|>", "<|im_end|>"]))
    _ = try b.build(modelfile: "FROM m.gguf\nTEMPLATE t\nPARAMETER stop x\nPARAMETER top_k 3\n", directory: dir, as: ModelName(parsing: "e"), options: options)
    let e = try store.resolve(ModelName(parsing: "e"))
    #expect(e.manifest.layers.map { stepName($0.mediaType) } == ["model", "template", "params"])
    #expect(e.template == "t")
    #expect(e.parameters["stop"] == .strings(["x"]))
    #expect(e.parameters["top_k"] == .int(3))
}

/// A models folder as Ollama leaves it (hand-written manifest, legacy `.prompt` template layer,
/// a hidden temp tag, a manifest with an invalid part): listed, resolved and verified.
@Test func readsAnOllamaModelsFolder() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/models")
    defer { cleanup(dir) }
    let model = try store.blobs.write(minimalGGUF())
    let prompt = try store.blobs.write(Array("{{ .Prompt }}".utf8))
    var c = ModelConfig()
    c.modelFamily = "test"; c.modelFamilies = ["test"]; c.modelType = "0"; c.fileType = "unknown"
    let config = try store.blobs.write(c.encoded)
    let json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"\(config.digest)\",\"size\":\(config.size)},\"layers\":[{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"\(model.digest)\",\"size\":\(model.size)},{\"mediaType\":\"application/vnd.ollama.image.prompt\",\"digest\":\"\(prompt.digest)\",\"size\":\(prompt.size)}]}\n"
    write(json, to: dir + "/models/manifests/registry.ollama.ai/library/old/7b")
    write(json, to: dir + "/models/manifests/registry.ollama.ai/library/old/.tmp-1")
    write(json, to: dir + "/models/manifests/registry.ollama.ai/bad.ns/old/latest")
    #expect(store.modelNames().map(\.displayShortest) == ["old:7b"])
    let r = try store.resolve(ModelName(parsing: "OLD:7B"))
    #expect(r.template == "{{ .Prompt }}")
    #expect(r.modelPath == store.blobs.path(of: model.digest))
    #expect(r.manifestDigest == Digest.of(Array(json.utf8)))
    #expect(store.verify().isClean)
}

/// `mfc run` resolves a Modelfile path by building it incrementally, or a name from the store.
@Test func resolvesAModelfilePathOrAName() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    write("FROM m.gguf\nSYSTEM from file\nPARAMETER num_ctx 512\n", to: dir + "/Pirate.Modelfile")
    let byPath = try store.resolve(reference: "Pirate.Modelfile", currentDirectory: dir)
    #expect(byPath.name.model == "pirate")
    #expect(byPath.system == "from file")
    #expect(byPath.parameters["num_ctx"] == .int(512))
    let byName = try store.resolve(reference: "pirate", currentDirectory: dir)
    #expect(byName.manifestDigest == byPath.manifestDigest)
    #expect(throws: StoreError.self) { try store.resolve(reference: "missing", currentDirectory: dir) }
}

/// `rm` also clears leftovers of killed writes older than an hour, never younger ones.
@Test func removeClearsOnlyStaleTemporaryFiles() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    _ = try ModelBuilder(store: store).build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    writeBytes([1], to: store.blobs.directory + "/sha256-tmp-old")          // aged a day by writeBytes
    FileManager.default.createFile(atPath: store.blobs.directory + "/sha256-tmp-new", contents: Data([2]))
    _ = try store.remove(ModelName(parsing: "a"))
    #expect(store.blobs.allFileNames() == ["sha256-tmp-new"])
}

/// Projector GGUFs (vision tower only: `<arch>.vision.block_count` without `<arch>.block_count`)
/// become projector layers; two FROM files are stored in file-name order.
@Test func projectorFilesAreClassified() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    var vision = GGUFWriter()
    vision.metadata = [("general.architecture", .value(.string("qwen25vl"))), ("qwen25vl.vision.block_count", .value(.uint32(32)))]
    writeBytes(try vision.header(), to: dir + "/b-mmproj.gguf")
    var text = GGUFWriter()
    text.metadata = [("general.architecture", .value(.string("qwen25vl"))), ("qwen25vl.block_count", .value(.uint32(28))),
                     ("qwen25vl.vision.block_count", .value(.uint32(32)))]
    writeBytes(try text.header(), to: dir + "/a-model.gguf")
    _ = try ModelBuilder(store: store).build(modelfile: "FROM b-mmproj.gguf\nFROM a-model.gguf\n", directory: dir, as: ModelName(parsing: "vl"))
    let m = try #require(try store.manifest(ModelName(parsing: "vl")))
    #expect(m.layers.map { stepName($0.mediaType) } == ["model", "projector"])
    #expect(m.layers.map(\.from) == ["a-model.gguf", "b-mmproj.gguf"])
    #expect(try store.resolve(ModelName(parsing: "vl")).projectorPaths.count == 1)
}
