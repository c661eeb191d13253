import Foundation
import Testing
import TestSupport
@testable import mfc
import Runtime

/// The README's path end to end: build examples/ (SmolLM2 import + Mario persona) into a fresh
/// store and ask Mario who he is; the greedy answer must be in character.
@Test func marioPersonaAnswersInCharacter() throws {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("mfc-persona-\(UUID().uuidString)").path
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: dir) }
    let examples = Golden.repositoryRoot + "/examples"
    for file in ["smollm2-chat.Modelfile", "mario.Modelfile"] {
        try fm.copyItem(atPath: examples + "/" + file, toPath: dir + "/" + file)
    }
    try fm.createSymbolicLink(atPath: dir + "/smollm2.gguf", withDestinationPath: TestModels.smolLM2())
    let store = dir + "/store"

    let build = runMFC(["build", dir, "--store", store])
    #expect(build.status == 0, "\(build.err)")
    let run = runMFC(["run", "mario", "Hi! Who are you?", "--store", store,
                      "--param", "temperature=0", "--param", "num_predict=48", "--verbose"])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.out.contains("Mario"), "answer: \(run.out)")
    #expect(!run.out.contains("<|im_"), "answer: \(run.out)")
    // --verbose names the kernel variant in use before the statistics.
    #expect(run.err.contains("kernels:              \(try InstructionSet.select())\n"), "\(run.err)")
    #expect(run.err.contains("eval rate:"), "\(run.err)")
}
