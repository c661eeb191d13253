import Foundation
import Testing
import TestSupport
@testable import ModelfileLang
@testable import mfc
import Builder

let examplesDirectory = Golden.repositoryRoot + "/examples"
let errorsDirectory = examplesDirectory + "/errors"

/// The persona and import Modelfiles in examples/ (not examples/errors/).
let exampleNames: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? [])
    .filter { $0.hasSuffix(".Modelfile") }.sorted()

@Test func everyCodeHasAnErrorExample() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: errorsDirectory)
    for code in DiagnosticCode.all {
        let name = "\(code)-\(code.slug).Modelfile"
        #expect(files.contains(name), "missing examples/errors/\(name)")
        #expect(files.contains(name.replacingOccurrences(of: ".Modelfile", with: ".stderr")), "missing .stderr for \(name)")
    }
    #expect(exampleNames.count >= 4)
}

@Test(arguments: DiagnosticCode.all)
func errorExampleGivesExactlyItsCode(_ code: DiagnosticCode) throws {
    let name = "\(code)-\(code.slug)"
    let data = try #require(FileManager.default.contents(atPath: "\(errorsDirectory)/\(name).Modelfile"))
    let (modelfile, syntax) = Modelfile.parse(source: [UInt8](data), path: "\(name).Modelfile")
    let options = CheckOptions(directory: errorsDirectory, templateFieldReader: TemplateFields.defaultReader,
                               modelExists: { $0 == "llama3" }, chatTemplateWarning: ChatTemplateResolver.lintWarning)
    let diagnostics = (syntax + modelfile.check(options: options)).sortedByPosition()
    #expect(diagnostics.map(\.code) == [code])
    let rendered = DiagnosticRenderer.render(diagnostics, source: modelfile.source)
    if let diff = Golden.compare(rendered, toFileAt: "\(errorsDirectory)/\(name).stderr") { Issue.record("\(diff)") }
}

@Test(arguments: DiagnosticCode.all)
func lintCommandPrintsTheGolden(_ code: DiagnosticCode) throws {
    let name = "\(code)-\(code.slug)"
    let env = ["MFC_MODELS": try storeWithLlama3()]
    let r = runMFC(["lint", "\(name).Modelfile"], cwd: errorsDirectory, env: env)
    let expected = try String(contentsOfFile: "\(errorsDirectory)/\(name).stderr", encoding: .utf8)
    #expect(r.err == expected)
    #expect(r.status == (code.defaultSeverity == .error ? 1 : 0))
    #expect(runMFC(["lint", "--strict", "\(name).Modelfile"], cwd: errorsDirectory, env: env).status == 1)
}

/// A store where `llama3` exists (only its manifest file: lint looks no further), as the error
/// examples assume; FROM any other name is MF1012.
func storeWithLlama3() throws -> String {
    let store = NSTemporaryDirectory() + "mfc-examples-store"
    let manifests = store + "/manifests/registry.ollama.ai/library/llama3"
    try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: manifests + "/latest", contents: Data("{}".utf8))
    return store
}

/// Copies examples/ to a temporary directory with `smollm2.gguf` linked to the real test model.
func examplesWithModel() throws -> String {
    let dir = NSTemporaryDirectory() + "mfc-examples-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for name in exampleNames {
        try FileManager.default.copyItem(atPath: "\(examplesDirectory)/\(name)", toPath: "\(dir)/\(name)")
    }
    try FileManager.default.createSymbolicLink(atPath: "\(dir)/smollm2.gguf", withDestinationPath: try TestModels.smolLM2())
    return dir
}

@Test func examplesLintStrictAndAreFormatted() throws {
    let dir = try examplesWithModel()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let lint = runMFC(["lint", "--strict"] + exampleNames, cwd: dir)
    #expect(lint.status == 0, "\(lint.err)")
    #expect(lint.err == "")
    let fmt = runMFC(["fmt", "--check"] + exampleNames, cwd: dir)
    #expect(fmt.status == 0, "\(fmt.err)")
}

@Test(arguments: exampleNames)
func parseOutputMatchesGolden(_ name: String) {
    let base = name.replacingOccurrences(of: ".Modelfile", with: "")
    let json = runMFC(["parse", "--format", "json", name], cwd: examplesDirectory)
    #expect(json.status == 0)
    if let diff = Golden.compare(json.out, toFileAt: "\(Golden.repositoryRoot)/Tests/Golden/parse/\(base).json") {
        Issue.record("\(diff)")
    }
    let text = runMFC(["parse", name], cwd: examplesDirectory)
    if let diff = Golden.compare(text.out, toFileAt: "\(Golden.repositoryRoot)/Tests/Golden/parse/\(base).txt") {
        Issue.record("\(diff)")
    }
}

@Test func fmtOfAMessyFileMatchesGolden() throws {
    let dir = "\(Golden.repositoryRoot)/Tests/Golden/fmt"
    let r = runMFC(["fmt", "messy.Modelfile"], cwd: dir)
    #expect(r.status == 0)
    if let diff = Golden.compare(r.out, toFileAt: "\(dir)/messy.formatted") { Issue.record("\(diff)") }
    let d = runMFC(["fmt", "--diff", "messy.Modelfile"], cwd: dir)
    if let diff = Golden.compare(d.out, toFileAt: "\(dir)/messy.diff") { Issue.record("\(diff)") }
    #expect(runMFC(["fmt", "--check", "messy.Modelfile"], cwd: dir).status == 1)
}
