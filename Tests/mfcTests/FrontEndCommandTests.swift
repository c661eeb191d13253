import Foundation
import Testing
import TestSupport
@testable import mfc

/// A fresh temporary directory holding the given files.
func temporaryDirectory(_ files: [String: String]) throws -> String {
    let dir = NSTemporaryDirectory() + "mfc-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
    return dir
}

@Test func lintJSONForEditors() throws {
    let r = runMFC(["lint", "--format", "json", "-"], stdin: "FROM x\nPARAMETER temprature 1\n")
    #expect(r.status == 1)
    #expect(r.err == "")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?["code"] as? String == "MF1002")
    #expect(diagnostics.first?["path"] as? String == "<stdin>")
    #expect(diagnostics.first?["help"] as? String == "did you mean 'temperature'?")
    let start = (diagnostics.first?["range"] as? [String: Any])?["start"] as? [String: Int]
    #expect(start == ["line": 2, "column": 11, "offset": 17])
    let fix = (diagnostics.first?["fixIts"] as? [[String: Any]])?.first
    #expect(fix?["replacement"] as? String == "temperature")
    #expect((object["summary"] as? [String: Int]) == ["errors": 1, "warnings": 0])
}

@Test func lintExitStatuses() throws {
    #expect(runMFC(["lint", "-"], stdin: "FROM x\n").status == 0)
    let warning = "FROM x\nPARAMETER mirostat 1\n"
    #expect(runMFC(["lint", "-"], stdin: warning).status == 0)
    #expect(runMFC(["lint", "--strict", "-"], stdin: warning).status == 1)
    #expect(runMFC(["lint"]).status == 2)
    #expect(runMFC(["lint", "--format", "xml", "-"], stdin: warning).status == 2)
    let missing = runMFC(["lint", "/nonexistent/Modelfile"])
    #expect(missing.status == 1)
    #expect(missing.err.contains("cannot read '/nonexistent/Modelfile': no such file"))
}

@Test func lintSummarizesAcrossFiles() throws {
    let dir = try temporaryDirectory(["a.Modelfile": "PARAMETER top_k 1\n", "b.Modelfile": "FROM x\nPARAMETER top_p 2\n"])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = runMFC(["lint", "a.Modelfile", "b.Modelfile"], cwd: dir)
    #expect(r.status == 1)
    #expect(r.err.hasPrefix("a.Modelfile:1:1: error[MF1001]: no FROM instruction\n"))
    #expect(r.err.contains("b.Modelfile:2:17: warning[MF1004]"))
    #expect(r.err.hasSuffix("\n1 error, 1 warning\n"))
}

@Test func parseReportsSyntaxErrorsAndExits1() {
    let bad = runMFC(["parse", "-"], stdin: "FROM x\nSYSTEM \"unterminated\n")
    #expect(bad.status == 1)
    #expect(bad.out == "")
    #expect(bad.err.contains("error[MF0003]: unterminated \" quote"))
    let noFrom = runMFC(["parse", "-"], stdin: "SYSTEM hi\n")
    #expect(noFrom.status == 1)
    #expect(noFrom.err.contains("error[MF1001]"))
    let ok = runMFC(["parse", "-"], stdin: "from x\nMESSAGE user \"\"\"a\nb\"\"\"\nparameter stop \" x\"\n")
    #expect(ok.status == 0)
    #expect(ok.out == "FROM x\nMESSAGE user \"a\nb\"\nPARAMETER stop \" x\"\n")
}

@Test func fmtWritesInPlaceAtomicallyAndKeepsMode() throws {
    let messy = "from x\n\n\n# c   \nsystem \"hi\"\n"
    let dir = try temporaryDirectory(["Modelfile": messy, "Bad": "FROM x\nSYSTEM \"a\" b\n"])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    chmod("\(dir)/Modelfile", 0o640)
    #expect(runMFC(["fmt", "--check", "Modelfile"], cwd: dir).status == 1)
    let w = runMFC(["fmt", "-w", "Modelfile"], cwd: dir)
    #expect(w.status == 0 && w.out == "" && w.err == "")
    #expect(try String(contentsOfFile: "\(dir)/Modelfile", encoding: .utf8) == "FROM x\n\n# c\nSYSTEM hi\n")
    let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/Modelfile")
    #expect((attributes[.posixPermissions] as? Int) == 0o640)
    #expect(runMFC(["fmt", "--check", "Modelfile"], cwd: dir).status == 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty)
    // A file with syntax errors is reported and left alone.
    let bad = runMFC(["fmt", "-w", "Bad"], cwd: dir)
    #expect(bad.status == 1 && bad.err.contains("error[MF0004]"))
    #expect(try String(contentsOfFile: "\(dir)/Bad", encoding: .utf8) == "FROM x\nSYSTEM \"a\" b\n")
}

@Test func fmtUsageErrors() {
    #expect(runMFC(["fmt", "-w", "-"], stdin: "FROM x\n").status == 2)
    #expect(runMFC(["fmt", "--check", "--diff", "-"], stdin: "FROM x\n").status == 2)
    let stdin = runMFC(["fmt", "-"], stdin: "from   x")
    #expect(stdin.status == 0 && stdin.out == "FROM x\n")
}

@Test(arguments: ["lint", "fmt", "parse"])
func helpMatchesGolden(_ command: String) {
    let r = runMFC([command, "--help"])
    #expect(r.status == 0)
    if let diff = Golden.compare(r.out, toFileAt: "\(Golden.repositoryRoot)/Tests/Golden/help/\(command).txt") {
        Issue.record("\(diff)")
    }
}

@Test func lintFixAppliesSuggestionsInPlace() throws {
    let broken = "FROM x\nTEMPLAT {{ .System }}{{ .Prompt }}\nPARAMETER temprature 0.7\nMESSAGE User hi\nSYSTEM be\u{A0}nice\n"
    let dir = try temporaryDirectory(["Modelfile": broken])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = runMFC(["lint", "--fix", "Modelfile"], cwd: dir)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.err == "")
    #expect(try String(contentsOfFile: "\(dir)/Modelfile", encoding: .utf8)
        == "FROM x\nTEMPLATE {{ .System }}{{ .Prompt }}\nPARAMETER temperature 0.7\nMESSAGE user hi\nSYSTEM benice\n")
    #expect(runMFC(["lint", "--fix", "-"], stdin: broken).status == 2)
}
