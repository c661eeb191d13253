import Foundation
import Testing
import TestSupport
@testable import Builder
import Runtime

/// `mfc build --quantize`: a cached action keyed by the model layer and the type.
@Test func buildQuantizeIsACachedStepThatSystemChangesDoNotRerun() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    try GGUFQuantizer.quantize(GGUFFile(path: TestModels.smolLM2()), to: .f16, outputPath: dir + "/smol-f16.gguf", threads: 2)
    var options = BuildOptions()
    options.quantize = QuantizeRequest(fileType: .q4_K_M, threads: 2)
    let builder = ModelBuilder(store: store, clock: laterClock)
    let name = ModelName(parsing: "smol")

    let first = try builder.build(modelfile: "FROM smol-f16.gguf\nSYSTEM one\n", directory: dir, as: name, options: options)
    #expect(first.steps.first { $0.name == "quantize" }?.status == .done)
    let layer = try #require(try store.manifest(name)?.layers(ofType: MediaType.model).first)
    // The quantized layer is llama-quantize's Q4_K_M file, byte for byte.
    let hashes = try String(contentsOfFile: Golden.repositoryRoot + "/Tests/Fixtures/quantize/smollm2-llama-quantize-sha256.txt", encoding: .utf8)
    #expect(hashes.contains("Q4_K_M \(layer.digest.hex)"))
    #expect(layer.from == "smol-f16.gguf")

    let second = try builder.build(modelfile: "FROM smol-f16.gguf\nSYSTEM two\n", directory: dir, as: name, options: options)
    #expect(second.steps.first { $0.name == "quantize" }?.status == .cached)
    #expect(try store.manifest(name)?.layers(ofType: MediaType.model).first?.digest == layer.digest)

    // A damaged quantized blob is made again from its intact input by `verify --repair`.
    try corrupt(store.blobs.path(of: layer.digest))
    let outcome = try store.repair(store.verify().damagedDigests)
    #expect(outcome.map(\.digest) == [layer.digest])
    #expect(outcome.first?.source?.hasPrefix("quantize sha256:") == true, "\(outcome)")
    #expect(store.verify().isClean)

    // Without --quantize the same Modelfile keeps the F16 layer: the type is part of the build key.
    _ = try builder.build(modelfile: "FROM smol-f16.gguf\nSYSTEM two\n", directory: dir, as: name)
    #expect(try store.manifest(name)?.layers(ofType: MediaType.model).first?.digest != layer.digest)
}

@Test func buildQuantizeRefusesAQuantizedSourceWithoutAllowRequantize() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    var options = BuildOptions()
    options.quantize = QuantizeRequest(fileType: .q8_0)
    let error = #expect(throws: StoreError.self) {
        try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM \(try TestModels.smolLM2())\n", directory: dir,
                                             as: ModelName(parsing: "smol"), options: options)
    }
    #expect(error?.description.contains("already quantized (Q4_1)") == true)
    #expect(error?.description.contains("--allow-requantize") == true)
}
