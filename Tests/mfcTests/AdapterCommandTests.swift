import Foundation
import Testing
import TestSupport
import Server
@testable import mfc

/// The GGUF LoRA fixtures of the runtime tests (written by the `gguf` Python package).
private func loraFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RuntimeTests/Data/\(name)").path
}

/// Two ADAPTER lines stack in the manifest in order; `mfc show` lists each adapter's type, rank(s), alpha,
/// targets and tensor types, and the quantization of each tensor group.
@Test func showListsStackedAdaptersAndTensorGroupTypes() throws {
    let dir = NSTemporaryDirectory() + "mfc-cli-lora-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = ["MFC_MODELS": dir + "/store"]
    let modelfile = "FROM \(try TestModels.smolLM2())\nADAPTER \(loraFixture("lora-smollm2-a.gguf"))\nADAPTER \(loraFixture("lora-smollm2-b.gguf"))\n"
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data(modelfile.utf8))
    let build = runMFC(["build", "-t", "smol-lora"], cwd: dir, env: env)
    #expect(build.status == 0, "\(build.err)")

    let show = runMFC(["show", "smol-lora"], env: env).out
    let adapters = show.components(separatedBy: "\n  Adapters\n").last?.split(separator: "\n").prefix(2).map(String.init)
    #expect(adapters == ["    LoRA rank 2–4, alpha 8, on attn_q ×1, attn_v ×1, ffn_down ×1 (F16, Q8_0, F32)",
                         "    LoRA rank 2, alpha none, on attn_q ×1, ffn_up ×1 (F32)"], "\(show)")
    #expect(show.contains("\n  Tensors\n"))
    #expect(show.range(of: #"\n    attn_q +Q4_1 ×30\n"#, options: .regularExpression) != nil, "\(show)")

    let wrong = runMFC(["run", "smol-lora", "--lora-scale", "1,0.5,2", "hi"], env: env)
    #expect(wrong.status == 2 && wrong.err.contains("--lora-scale lists 3 scales but the model has 2 adapters"), "\(wrong.err)")
}

@Test func runHelpDocumentsTheLoRAScale() {
    let help = runMFC(["run", "--help"]).out
    #expect(help.contains("--lora-scale <S[,S...]>") && help.contains("MFC_LORA_SCALE"), "\(help)")
}

@Test func loraScalesParseOneForAllOrOnePerAdapter() throws {
    #expect(try LoRAScales(parsing: nil).scale(of: 1, count: 2) == 1)
    #expect(try LoRAScales(parsing: "0.5").scale(of: 1, count: 2) == 0.5)
    #expect(try LoRAScales(parsing: "1, 0.25").scale(of: 1, count: 2) == 0.25)
    #expect(throws: LoRAScaleError.self) { try LoRAScales(parsing: "1,x") }
    #expect(throws: LoRAScaleError.self) { try LoRAScales(parsing: "nan") }
    #expect(throws: LoRAScaleError.self) { try LoRAScales(parsing: "1,2").scale(of: 0, count: 3) }
}
