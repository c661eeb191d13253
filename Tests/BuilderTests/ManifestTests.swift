import Testing
@testable import Builder

/// The config fixture of package spec §4: a GGUF with arch `test` and no tensors.
@Test func configFixtureMatches() throws {
    var c = ModelConfig()
    c.modelFamily = "test"
    c.modelFamilies = ["test"]
    c.modelType = ModelConfig.humanNumber(0)
    c.fileType = "unknown"
    let text = String(decoding: c.encoded, as: UTF8.self)
    #expect(text == "{\"model_format\":\"gguf\",\"model_family\":\"test\",\"model_families\":[\"test\"],\"model_type\":\"0\",\"file_type\":\"unknown\",\"architecture\":\"amd64\",\"os\":\"linux\"}\n")
    #expect(Digest.of(c.encoded).hex == "99759ad5b91e723db0393d698ffbb448b1b7df5ff6377a108c49254583b1bc8c")
    #expect(try ModelConfig(bytes: c.encoded) == c)
}

@Test(arguments: [
    (UInt64(0), "0"), (999, "999"), (1000, "1K"), (1500, "2K"), (134_515_008, "134.52M"), (135_000_000, "135M"),
    (268_098_176, "268.10M"), (1_000_000_000, "1B"), (1_500_000_000, "1.5B"), (7_241_732_096, "7.2B"),
])
func humanNumberMatchesOllama(_ n: UInt64, _ expected: String) {
    #expect(ModelConfig.humanNumber(n) == expected)
}

@Test func manifestEncodesInGoFieldOrderAndRoundTrips() throws {
    let d1 = Digest.of(Array("x".utf8)), d2 = Digest.of(Array("y".utf8))
    let m = Manifest(config: Descriptor(mediaType: MediaType.config, digest: d1, size: 10),
                     layers: [Descriptor(mediaType: MediaType.model, digest: d2, size: 20, from: "model.gguf"),
                              Descriptor(mediaType: MediaType.system, digest: d1, size: 3)])
    let text = String(decoding: m.encoded, as: UTF8.self)
    #expect(text == "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"\(d1)\",\"size\":10},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"\(d2)\",\"size\":20,\"from\":\"model.gguf\"},"
        + "{\"mediaType\":\"application/vnd.ollama.image.system\",\"digest\":\"\(d1)\",\"size\":3}]}\n")
    #expect(try Manifest(bytes: m.encoded) == m)
    #expect(m.totalSize == 33)
}

@Test func manifestRejectsGarbage() {
    for bad in ["{}", "[]", "{\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1}}", "not json"] {
        #expect(throws: StoreError.self) { try Manifest(bytes: Array(bad.utf8)) }
    }
}
