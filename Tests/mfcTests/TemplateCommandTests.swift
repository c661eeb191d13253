import Foundation
import Testing
import TestSupport
@testable import mfc

/// A scratch folder holding the given files.
private func scratch(_ files: [String: String]) throws -> String {
    let dir = NSTemporaryDirectory() + "mfc-template-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
    return dir
}

private let chatml = """
FROM ./model.gguf
SYSTEM You are Mario.
TEMPLATE \"\"\"{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
\"\"\"
MESSAGE user Hi
MESSAGE assistant It's-a me!
"""

@Test func templatePrintsTheExactChatPromptWithoutANewline() throws {
    let dir = try scratch(["Modelfile": chatml, "model.gguf": ""])
    let r = runMFC(["template", "--modelfile", "Modelfile", "--request", "-"],
                   stdin: #"{"messages":[{"role":"user","content":"Jump"}]}"#, cwd: dir)
    #expect(r.status == 0)
    #expect(r.err == "")
    #expect(r.out == "<|im_start|>system\nYou are Mario.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\nIt's-a me!<|im_end|>\n<|im_start|>user\nJump<|im_end|>\n<|im_start|>assistant\n")
}

@Test func templateRendersGenerateBodiesAndPrompts() throws {
    let dir = try scratch(["t.tmpl": "[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]",
                           "gen.json": #"{"prompt":"Why?","system":"Be brief."}"#])
    let g = runMFC(["template", "--template", "t.tmpl", "--generate", "gen.json"], cwd: dir)
    #expect(g.status == 0)
    #expect(g.out == "[INST] Be brief. Why? [/INST]")
    let p = runMFC(["template", "--template", "t.tmpl", "--prompt", "Hi"], cwd: dir)
    #expect(p.out == "[INST] Hi [/INST]")
}

@Test func templateRendersArbitraryData() throws {
    let dir = try scratch(["t.tmpl": "{{ .n }} {{ .missing }} {{ printf \"%T\" .n }}"])
    let r = runMFC(["template", "--template", "t.tmpl", "--data", "-"], stdin: #"{"n": 3}"#, cwd: dir)
    #expect(r.status == 0)
    #expect(r.out == "3 <no value> float64")
}

@Test func templateErrorsPointIntoTheModelfile() throws {
    let dir = try scratch(["Modelfile": "FROM ./m.gguf\nTEMPLATE \"\"\"a\n{{ index .Messages 3 }}\"\"\"\n", "m.gguf": ""])
    let r = runMFC(["template", "--modelfile", "Modelfile", "--prompt", "hi"], cwd: dir)
    #expect(r.status == 1)
    #expect(r.out == "")
    #expect(r.err.hasPrefix("Modelfile:3:4: error[MF3001]: TEMPLATE fails when rendered: error calling index: index out of range: 3"))
    let p = try scratch(["t.tmpl": "ok\n{{ if .Prompt }}"])
    let s = runMFC(["template", "--template", "t.tmpl", "--prompt", "hi"], cwd: p)
    #expect(s.status == 1)
    #expect(s.err == "t.tmpl:2:1: error: unexpected EOF\n")
}

@Test func templateUsageAndShowSpecial() throws {
    #expect(runMFC(["template", "--prompt", "x"]).status == 2)
    #expect(runMFC(["template", "--template", "a", "--model", "b", "--prompt", "x"]).status == 2)
    let dir = try scratch(["t.tmpl": "<|user|>\t{{ .Prompt }} \n[INST]"])
    let r = runMFC(["template", "--template", "t.tmpl", "--prompt", "hi", "--show-special"], cwd: dir)
    #expect(r.out == "⟦<|user|>⟧→hi·↵\n⟦[INST]⟧")
}

/// FROM a GGUF without TEMPLATE renders with the template `mfc build` would store: the GGUF's chat
/// template recognised as a family, also when Ollama's named templates are configured but none is near.
@Test func ggufWithoutTemplateGetsItsFamilyTemplate() throws {
    let gguf = try TestModels.smolLM2()
    let dir = try scratch(["Modelfile": "FROM \(gguf)\n",
                           "index.json": #"[{"name":"far","template":"nothing like a chat template"}]"#,
                           "far.gotmpl": "never used"])
    let expected = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"
    let family = runMFC(["template", "--modelfile", "Modelfile", "--prompt", "Hello"], cwd: dir)
    #expect(family.status == 0)
    #expect(family.out == expected)
    #expect(family.err.contains("is of the chatml family"), "\(family.err)")
    let far = runMFC(["template", "--modelfile", "Modelfile", "--prompt", "Hello"], cwd: dir, env: ["MFC_OLLAMA_TEMPLATES": dir])
    #expect(far.out == expected)
    #expect(far.err.contains("is of the chatml family"), "\(far.err)")
}

@Test func templateReadsABuiltModelAndModelfilesThatInheritFromIt() throws {
    let gguf = try TestModels.smolLM2()
    let dir = try scratch([
        "Modelfile": "FROM \(gguf)\nSYSTEM Be terse.\nTEMPLATE \"{{ if .System }}[{{ .System }}]{{ end }}{{ .Prompt }}\"\nMESSAGE user earlier\n",
        "Child.Modelfile": "FROM base\nSYSTEM Be loud.\n",
    ])
    let store = dir + "/store"
    let built = runMFC(["build", "-f", "Modelfile", "-t", "base", "--store", store], cwd: dir)
    #expect(built.status == 0, "\(built.err)")
    // Legacy template: the MESSAGE history turn, then the prompt.
    let r = runMFC(["template", "--model", "base", "--store", store, "--prompt", "hi"], cwd: dir)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out == "[Be terse.]earlier\n\nhi")   // consecutive user turns are merged
    let child = runMFC(["template", "--modelfile", "Child.Modelfile", "--store", store, "--prompt", "hi"], cwd: dir)
    #expect(child.out == "[Be loud.]earlier\n\nhi")
    #expect(runMFC(["template", "--model", "missing", "--store", store, "--prompt", "hi"], cwd: dir).status == 1)
}

@Test func runawayTemplatesStopOnEveryPath() throws {
    let doubling = "{{$s := \"ab\"}}{{range 64}}{{$s = print $s $s}}{{end}}{{$s}}"
    let dir = try scratch(["t.tmpl": "{{$s := .s}}{{range 64}}{{$s = print $s $s}}{{end}}{{$s}}",
                           "Modelfile": "FROM ./m.gguf\nTEMPLATE \"\"\"\(doubling)\"\"\"\n", "m.gguf": ""])
    let data = runMFC(["template", "--template", "t.tmpl", "--data", "-"], stdin: #"{"s": "xy"}"#, cwd: dir)
    #expect(data.status == 1)
    #expect(data.err.contains("rendering stopped: the template produced more than 33554432 bytes (the output budget)"), "\(data.err)")
    let modelfile = runMFC(["template", "--modelfile", "Modelfile", "--prompt", "hi"], cwd: dir)
    #expect(modelfile.status == 1)
    #expect(modelfile.err.contains("(the output budget)"), "\(modelfile.err)")
}
