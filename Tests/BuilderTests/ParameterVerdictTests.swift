import Foundation
import Testing
import TestSupport
@testable import Builder
import ModelfileLang
import Runtime

/// What Go (Ollama's parsing and JSON encoding) says about one `PARAMETER name value`, generated
/// by tools/paramverdicts (tools/regen-parameter-verdicts.sh).
struct GoVerdict: Decodable, Sendable, CustomStringConvertible {
    let name: String
    let value: String
    let verdict: String
    let json: String?
    let error: String?
    var accepted: Bool { verdict == "ok" }
    var description: String { "PARAMETER \(name) \"\(value)\"" }
}

let goVerdicts: [GoVerdict] = {
    let path = Golden.repositoryRoot + "/Tests/Fixtures/parameter-verdicts.json"
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return (try? JSONDecoder().decode([GoVerdict].self, from: data)) ?? []
}()

/// Every parameter of the table with valid, boundary and invalid values (`inf`, `nan`, `1e400`,
/// `0x10`, `1_000`, `-0`, empty, `0` for num_ctx, ...) through lint, build and run: all three
/// agree with each other and with Go. One build store for all cases.
@Test func lintBuildAndRunAgreeWithGoOnEveryParameterValue() throws {
    #expect(goVerdicts.count >= 700, "Tests/Fixtures/parameter-verdicts.json is missing or unreadable")
    #expect(Set(goVerdicts.map(\.name)) == Set(Parameters.names), "the Go tool and the table list different parameters")
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let builder = ModelBuilder(store: store)
    for (k, c) in goVerdicts.enumerated() {
        let text = "FROM ./m.gguf\nPARAMETER \(c.name) \"\(c.value)\"\n"

        // Lint: an MF1003 error exactly when Go refuses the value.
        let checked = Modelfile.checked(source: Array(text.utf8), path: "Modelfile",
                                        options: CheckOptions(directory: dir, templateFieldReader: TemplateFields.defaultReader))
        let lintRefuses = checked.diagnostics.contains { $0.code == .invalidParameterValue }
        #expect(lintRefuses == !c.accepted, "lint: \(c) \(c.error ?? "")")
        #expect(checked.hasErrors == lintRefuses, "lint: \(c) \(checked.diagnostics.map(\.message))")

        // Build: fails on the same values; otherwise stores the JSON Go writes.
        let name = ModelName(parsing: "p\(k)")
        var stored: String?
        do {
            _ = try builder.build(modelfile: text, directory: dir, as: name)
            let m = try #require(try store.manifest(name))
            let layer = try #require(m.layers(ofType: MediaType.params).last)
            stored = String(decoding: try #require(FileIO.read(store.blobs.path(of: layer.digest))), as: UTF8.self)
        } catch let e as StoreError {
            #expect(e.message.contains("MF1003"), "build: \(c): \(e.message)")
        }
        #expect((stored != nil) == c.accepted, "build: \(c)")
        if let stored, let json = c.json {
            #expect(stored == "{\"\(c.name)\":\(json)}\n", "build: \(c)")
        }

        // Run: `--param`/`/set parameter` and the built model's options, as `mfc run` makes them.
        var options = SamplingOptions()
        let runAccepts = (try? options.set(c.name, to: c.value)) != nil
        #expect(runAccepts == c.accepted, "run: \(c)")
        if stored != nil {
            let fromModel = SamplingOptions(try store.resolve(name).parameters)
            #expect(fromModel == options, "run: \(c): the built model and --param give different options")
        }
    }
}

/// num_ctx 0 (and anything below 4) is accepted everywhere, with a lint warning, and runs with
/// the 4 tokens Ollama's scheduler raises it to.
@Test func numCtxZeroHasOneVerdict() throws {
    let checked = Modelfile.checked(source: Array("FROM x\nPARAMETER num_ctx 0\n".utf8), path: "Modelfile", options: CheckOptions(directory: "/"))
    #expect(checked.diagnostics.map(\.code) == [.parameterOutOfRange])
    #expect(SamplingOptions(checked.parameters).numCtx == 4)
}

/// num_predict as Ollama's main branch bounds it: negative = until a stop, at most 10 x num_ctx.
@Test func numPredictFollowsOllama() {
    #expect(Parameters.generationBudget(numPredict: -1, contextLength: 100) == 1000)
    #expect(Parameters.generationBudget(numPredict: -2, contextLength: 100) == 1000)
    #expect(Parameters.generationBudget(numPredict: -3, contextLength: 100) == 1000)
    #expect(Parameters.generationBudget(numPredict: 0, contextLength: 100) == nil)
    #expect(Parameters.generationBudget(numPredict: 42, contextLength: 100) == 42)
    #expect(Parameters.generationBudget(numPredict: 5000, contextLength: 100) == 1000)
}

/// 100k `PARAMETER stop` lines go through lint and build in linear time (the stop list used to be
/// copied on every append: 100k lines took over a minute). A generous bound, not a benchmark:
/// a linear build takes about a second even in a debug build on a loaded machine.
@Test func hundredThousandStopsBuildInLinearTime() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    var text = "FROM ./m.gguf\n"
    for k in 0..<100_000 { text += "PARAMETER stop s\(k)\n" }
    let clock = ContinuousClock(), start = clock.now
    _ = try ModelBuilder(store: store).build(modelfile: text, directory: dir, as: ModelName(parsing: "stops"))
    let elapsed = clock.now - start
    #expect(elapsed < .seconds(60), "100k stop lines took \(elapsed)")
    let stops = try store.resolve(ModelName(parsing: "stops")).parameters.strings("stop")
    #expect(stops.count == 100_000 && stops.first == "s0" && stops.last == "s99999")
}
