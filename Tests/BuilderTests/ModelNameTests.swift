import Testing
@testable import Builder

/// Cases from Ollama's `types/model/name_test.go` as listed in package spec §6.
@Test(arguments: [
    ("xx", "registry.ollama.ai/library/xx/latest", true),
    ("host:port/namespace/model:tag", "host:port/namespace/model/tag", true),
    ("scheme://host:port/namespace/model:tag", "host:port/namespace/model/tag", true),
    ("host/name:space/model:tag", nil, false),
    ("-hh/nn/mm:tt", nil, false),
    ("_why/_the/_lucky:_stiff", "_why/_the/_lucky/_stiff", true),
    ("n/m:", nil, false),
    ("//mm", nil, false),
    ("m@d", nil, false),
    ("persona:v1", "registry.ollama.ai/library/persona/v1", true),
    ("me/persona", "registry.ollama.ai/me/persona/latest", true),
    ("a:.hidden", nil, false),
] as [(String, String?, Bool)])
func modelNamesParseLikeOllama(_ text: String, _ path: String?, _ valid: Bool) {
    let n = ModelName(parsing: text)
    #expect(n.isValid == valid, "\(text)")
    if let path { #expect(n.path == path) }
}

@Test func schemeIsSplitOff() {
    #expect(ModelName(parsing: "scheme://host:port/namespace/model:tag").scheme == "scheme")
}

@Test func displayShortestDropsDefaults() {
    #expect(ModelName(parsing: "xx").displayShortest == "xx:latest")
    #expect(ModelName(parsing: "me/xx:v").displayShortest == "me/xx:v")
    #expect(ModelName(parsing: "Registry.Ollama.AI/library/xx").displayShortest == "xx:latest")
    #expect(ModelName(parsing: "h.io/me/xx:v").displayShortest == "h.io/me/xx:v")
}

@Test func longPartsAreInvalid() {
    #expect(!ModelName(parsing: String(repeating: "m", count: 81)).isValid)
    #expect(ModelName(parsing: String(repeating: "m", count: 80)).isValid)
}
