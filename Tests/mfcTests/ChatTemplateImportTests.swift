import Foundation
import Testing
import TestSupport
@testable import mfc

/// A scratch folder with `Modelfile` holding `text`, removed by the caller.
private func modelfileFolder(_ text: String) throws -> String {
    let dir = NSTemporaryDirectory() + "mfc-chat-import-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try text.write(toFile: dir + "/Modelfile", atomically: true, encoding: .utf8)
    return dir
}

/// Gemma 3 270M is a base model whose GGUF carries no chat template: it builds, with a warning that
/// names the template it gets; `mfc lint` says the same, and `mfc run FILE` warns too.
@Test func gemmaBaseModelBuildsWithWarningNamingTheTemplate() throws {
    let gguf = try TestModels.gemma3()
    let dir = try modelfileFolder("FROM \(gguf)\n")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let build = runMFC(["build", "-f", dir + "/Modelfile", "-t", "gemma-base", "--store", dir + "/store"])
    #expect(build.status == 0, "\(build.err)")
    #expect(build.err.contains("gemma-3-270m-q4_k_m.gguf carries no chat template"), "\(build.err)")
    #expect(build.err.contains("using Ollama's default template '{{ .Prompt }}'"), "\(build.err)")
    let shown = runMFC(["template", "--model", "gemma-base", "--prompt", "Once upon a time", "--store", dir + "/store"])
    #expect(shown.status == 0, "\(shown.err)")
    #expect(shown.out == "Once upon a time")

    let lint = runMFC(["lint", "Modelfile"], cwd: dir)
    #expect(lint.status == 0)
    #expect(lint.err.contains("warning[MF2007]: no chat template for FROM"), "\(lint.err)")
    // With a TEMPLATE line there is nothing to warn about.
    try "FROM \(gguf)\nTEMPLATE {{ .Prompt }}\n".write(toFile: dir + "/Modelfile", atomically: true, encoding: .utf8)
    #expect(!runMFC(["lint", "Modelfile"], cwd: dir).err.contains("MF2007"))
    let quiet = runMFC(["build", "-f", dir + "/Modelfile", "-t", "gemma-base", "--store", dir + "/store"])
    #expect(quiet.status == 0)
    #expect(!quiet.err.contains("no chat template"), "\(quiet.err)")
}

/// SmolLM2 built from its GGUF with only FROM and SYSTEM: the GGUF's ChatML chat template is
/// recognised, the rendered prompt carries the SYSTEM text, and the greedy answer is in character
/// and ends by itself (done reason "stop", well before num_predict).
@Test func smolLM2WithOnlyFromAndSystemAnswersInCharacterAndStops() throws {
    let system = "You are Mario from Super Mario Bros. Answer as Mario, the assistant, only. Keep it short and cheerful."
    let dir = try modelfileFolder("FROM \(try TestModels.smolLM2())\nSYSTEM \(system)\n")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = dir + "/store"
    let build = runMFC(["build", "-f", dir + "/Modelfile", "-t", "mario", "--store", store])
    #expect(build.status == 0, "\(build.err)")
    #expect(!build.err.contains("warning"), "\(build.err)")

    let prompt = runMFC(["template", "--model", "mario", "--prompt", "Hi! Who are you?", "--store", store])
    #expect(prompt.out == "<|im_start|>system\n\(system)<|im_end|>\n<|im_start|>user\nHi! Who are you?<|im_end|>\n<|im_start|>assistant\n")

    let run = runMFC(["run", "--verbose", "--param", "temperature=0", "--param", "num_predict=400", "--store", store,
                      "mario", "Hi! Who are you?"])
    #expect(run.err.contains("done reason:          stop") && run.status == 0, "\(run.err)")
    #expect(run.out.contains("Mario") && !run.out.contains("<|im_"), "answer: \(run.out)")
}
