import Foundation
import Testing
import TestSupport
@testable import Builder

/// The Done-when scenario on the real SmolLM2 GGUF, in one store so the model is
/// imported once: build a persona; a no-op rebuild reads no model bytes; a SYSTEM change rewrites
/// only the system layer and the manifest; `show --modelfile` rebuilds to the same digest;
/// removing one of two personas keeps the shared model blob.
@Test func smolLM2PersonaBuildsIncrementally() throws {
    let model = try TestModels.smolLM2()
    let dir = temporaryDirectory("mfc-smol"), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    let modelSize = Int(try #require(FileIO.status(model)).size)
    func modelfile(system: String) -> String {
        "FROM \(model)\nTEMPLATE \"\"\"<|im_start|>system\n{{ .System }}<|im_end|>\n\"\"\"\nSYSTEM \(system)\nPARAMETER temperature 0.2\nPARAMETER stop <|im_end|>\n"
    }
    let persona = ModelName(parsing: "persona")
    let builder = ModelBuilder(store: store, clock: laterClock)

    let first = try builder.build(modelfile: modelfile(system: "You are terse."), directory: dir, as: persona)
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == modelSize, "the first build reads the model once")
    #expect(first.steps.first { $0.name == "model" }?.status == .done)
    let firstManifest = try #require(try store.manifest(persona))
    #expect(firstManifest.layers(ofType: MediaType.model).first?.digest.hex == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")

    // No-op rebuild: a fresh builder (new process) reads no model bytes and changes nothing.
    let again = try ModelBuilder(store: store, clock: laterClock).build(modelfile: modelfile(system: "You are terse."), directory: dir, as: persona)
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == modelSize)
    #expect(again.upToDate)
    #expect(again.manifestDigest == first.manifestDigest)

    // SYSTEM change: only the system layer and the manifest are DONE.
    let changed = try builder.build(modelfile: modelfile(system: "You are verbose."), directory: dir, as: persona)
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == modelSize)
    #expect(changed.steps.filter { $0.status == .done }.map(\.name) == ["system", "manifest"])
    let changedManifest = try #require(try store.manifest(persona))
    #expect(zip(firstManifest.layers, changedManifest.layers).filter { $0 != $1 }.map { stepName($0.0.mediaType) } == ["system"])

    // show --modelfile, then build: the same manifest digest.
    let resolved = try store.resolve(persona)
    #expect(resolved.parameters["temperature"] == .float(0.2))
    #expect(resolved.parameters["stop"] == .strings(["<|im_end|>"]))
    let printed = ModelfilePrinter.modelfile(for: resolved, store: store)
    let twin = ModelName(parsing: "twin")
    let rebuilt = try builder.build(modelfile: printed, directory: dir, as: twin)
    #expect(rebuilt.manifestDigest == changed.manifestDigest)
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == modelSize, "a store blob is never re-read")

    // Facts for `show`.
    let info = try store.modelInfo(of: resolved)
    #expect(info.architecture == "llama")
    #expect(info.fileType == "Q4_1")
    #expect(info.contextLength == 8192)
    #expect(info.embeddingLength == 576)
    #expect(ModelConfig.humanNumber(info.parameterCount) == "134.52M")

    // rm one of two personas keeps the shared model blob.
    let modelBlob = try #require(changedManifest.layers(ofType: MediaType.model).first)
    let deleted = try store.remove(twin)
    #expect(deleted.isEmpty)
    #expect(store.blobs.contains(modelBlob.digest, size: modelBlob.size))
    #expect(store.verify().isClean)
    _ = try store.remove(persona)
    #expect(!store.blobs.contains(modelBlob.digest, size: modelBlob.size))
}

/// Touching the model changes its fast key: the file is hashed again, but the digest is the same,
/// so nothing downstream is rewritten (early cutoff).
@Test func touchedModelIsRehashedButCutsOff() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    let first = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "t"))
    var times = [timeval(tv_sec: 1_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000, tv_usec: 0)]
    #expect(utimes(dir + "/m.gguf", &times) == 0)
    let before = store.blobs.sourceBytesRead.load(ordering: .relaxed)
    let second = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "t"))
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == before + minimalGGUF().count)
    #expect(second.manifestDigest == first.manifestDigest)
    #expect(second.steps.first { $0.name == "manifest" }?.status == .cached)
}

@Test func dryRunWritesNothing() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    var options = BuildOptions()
    options.dryRun = true
    let r = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "t"), options: options)
    #expect(r.steps.map(\.status) == [.planned, .planned, .planned, .planned])
    #expect(store.blobs.allFileNames().isEmpty)
    #expect(store.modelNames().isEmpty)
}

@Test func noCacheRehashesEverything() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "t"))
    var options = BuildOptions()
    options.noCache = true
    let r = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "t"), options: options)
    #expect(r.steps.dropLast().allSatisfy { $0.status == .done })
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == 2 * minimalGGUF().count)
}
