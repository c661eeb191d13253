import Foundation
import Testing
import TestSupport
@testable import mfc

/// A temp folder with the minimal GGUF (arch `test`, no tensors) and a store inside it.
func workspace() -> String {
    let dir = NSTemporaryDirectory() + "mfc-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var b: [UInt8] = Array("GGUF".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
    u32(3); u64(0); u64(1); str("general.architecture"); u32(8); str("test")
    _ = FileManager.default.createFile(atPath: dir + "/m.gguf", contents: Data(b))
    return dir
}

@Test func buildListShowCopyRemoveVerify() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = ["MFC_MODELS": dir + "/store"]
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data("FROM m.gguf\nSYSTEM Say hi!\nPARAMETER top_k 10\nREQUIRES 0.14\n".utf8))

    let build = runMFC(["build", "-t", "hello"], cwd: dir, env: env)
    #expect(build.status == 0, "\(build.err)")
    #expect(build.out.contains("DONE    model"))
    #expect(build.out.contains("DONE    system    sha256:f29e82a8284d"))
    let again = runMFC(["build", "-t", "hello", "--explain"], cwd: dir, env: env)
    #expect(again.out.contains("CACHED  manifest"))
    #expect(again.out.contains("up to date hello:latest"))
    #expect(again.out.contains("why: inputs unchanged"))

    let list = runMFC(["list"], env: env)
    #expect(list.out.hasPrefix("NAME "))
    #expect(list.out.contains("hello:latest"))

    let show = runMFC(["show", "hello"], env: env)
    #expect(show.out.contains("architecture        test"))
    #expect(show.out.contains("Say hi!"))
    #expect(runMFC(["show", "hello", "--system"], env: env).out == "Say hi!\n")
    let modelfile = runMFC(["show", "hello", "--modelfile"], env: env).out
    #expect(modelfile.contains("REQUIRES 0.14\n"))
    #expect(modelfile.contains("PARAMETER top_k 10\n"))

    #expect(runMFC(["cp", "hello", "hello2"], env: env).status == 0)
    #expect(runMFC(["rm", "hello"], env: env).out.contains("deleted 'hello:latest' (0 unreferenced blobs removed)"))
    #expect(runMFC(["verify"], env: env).status == 0)
    #expect(runMFC(["rm", "hello2"], env: env).out.contains("(4 unreferenced blobs removed)"))
    #expect(runMFC(["rm", "hello2"], env: env).status == 1)
    #expect(runMFC(["show", "nope"], env: env).status == 1)
}

@Test func buildStopsOnLintErrors() {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data("FROM m.gguf\nPARAMETER temprature 1\n".utf8))
    let r = runMFC(["build", "-t", "x", "--store", dir + "/store"], cwd: dir)
    #expect(r.status == 1)
    #expect(r.err.contains("Modelfile:2:11: error[MF1002]"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/store/manifests"))
}

@Test func buildFolderAndDryRun() {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/base.Modelfile", contents: Data("FROM m.gguf\n".utf8))
    _ = FileManager.default.createFile(atPath: dir + "/kid.Modelfile", contents: Data("FROM base\nSYSTEM kid\n".utf8))
    let env = ["MFC_MODELS": dir + "/store"]
    let dry = runMFC(["build", "-f", "kid.Modelfile", "--dry-run"], cwd: dir, env: env)
    #expect(dry.status == 1, "the base does not exist yet")
    let r = runMFC(["build", "."], cwd: dir, env: env)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("building base:latest") && r.out.contains("building kid:latest"))
    let plan = runMFC(["build", "-f", "kid.Modelfile", "--dry-run"], cwd: dir, env: env)
    #expect(plan.status == 0)
    #expect(plan.out.contains("CACHED  manifest"))
    #expect(runMFC(["build", ".", "-t", "x"], cwd: dir, env: env).status == 2)
}

/// What a person reads from `mfc build --explain` (first build, no-op, SYSTEM change) and
/// `mfc show`, as golden files. Step times become `T`; the action key (it covers the temp
/// folder's path) becomes `K`.
@Test func buildAndShowOutputMatchGoldens() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = ["MFC_MODELS": dir + "/store"]
    func normalized(_ s: String) -> String {
        s.replacingOccurrences(of: #"[0-9]+\.[0-9]+m?s"#, with: "T", options: .regularExpression)
            .replacingOccurrences(of: #"action key [0-9a-f]{12}"#, with: "action key K", options: .regularExpression)
    }
    let text = "FROM m.gguf\nTEMPLATE \"{{ .System }} {{ .Prompt }}\"\nSYSTEM Say hi!\nPARAMETER stop <|end|>\nPARAMETER temperature 0.6\nLICENSE MIT\nMESSAGE user hello\n"
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data(text.utf8))
    var out = runMFC(["build", "-t", "golden", "--explain"], cwd: dir, env: env).out
    out += runMFC(["build", "-t", "golden", "--explain"], cwd: dir, env: env).out
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data(text.replacingOccurrences(of: "Say hi!", with: "Say bye!").utf8))
    out += runMFC(["build", "-t", "golden", "--explain"], cwd: dir, env: env).out
    out += runMFC(["show", "golden"], env: env).out
    if let diff = Golden.compare(normalized(out), toFileAt: "\(Golden.repositoryRoot)/Tests/Golden/build/explain.txt") {
        Issue.record("\(diff)")
    }
}

/// The terminal progress bar: percentage, bytes and rate; the final draw clears the line.
@Test func progressBarShowsBytesAndRate() {
    let out = BufferOutput()
    let bar = ProgressBar(output: out)
    bar.update(50_000_000, 100_000_000)
    #expect(out.text.hasPrefix("\r  [###############               ]  50% 50 MB / 100 MB  "))
    #expect(out.text.hasSuffix("/s"))
    bar.update(60_000_000, 100_000_000)          // within 100 ms of the last draw: skipped
    #expect(!out.text.contains("60 MB"))
    bar.update(100_000_000, 100_000_000)         // the end is always drawn, then cleared
    #expect(out.text.contains("100% 100 MB / 100 MB"))
    #expect(out.text.hasSuffix("\r\u{1B}[K"))
}

/// Ollama's spellings reach the same commands: `create NAME -f`, `build NAME -f`, `ls`, `-v`.
@Test func ollamaSpellingsRunTheSameCommands() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = ["MFC_MODELS": dir + "/store"]
    _ = FileManager.default.createFile(atPath: dir + "/persona.txt", contents: Data("FROM m.gguf\nSYSTEM Say hi!\n".utf8))

    let tagged = runMFC(["build", "-f", "persona.txt", "-t", "a"], cwd: dir, env: env)
    let created = runMFC(["create", "b", "-f", "persona.txt"], cwd: dir, env: env)
    let named = runMFC(["build", "c", "-f", "persona.txt"], cwd: dir, env: env)
    for r in [tagged, created, named] { #expect(r.status == 0, "\(r.err)") }
    let ids = ["a", "b", "c"].map { runMFC(["show", $0, "--modelfile"], env: env).out.replacingOccurrences(of: "FROM \($0):latest", with: "") }
    #expect(Set(ids).count == 1, "\(ids)")

    let list = runMFC(["list"], env: env), ls = runMFC(["ls"], env: env)
    #expect(ls.status == 0 && ls.out == list.out)
    #expect(list.out.contains("b:latest") && list.out.contains("c:latest"))
    #expect(runMFC(["-v"]).out == runMFC(["--version"]).out)
    // `create` without a Modelfile in the folder names the missing file.
    let missing = runMFC(["create", "d"], cwd: dir, env: env)
    #expect(missing.status == 1 && missing.err.contains("Modelfile not found: Modelfile"))
    // The name once only.
    #expect(runMFC(["build", "e", "-t", "f", "-f", "persona.txt"], cwd: dir, env: env).status == 2)
}
