import Foundation
import Testing
@testable import mfc

/// `mfc run` of a FIFO returns at once with a message naming what the path is.
@Test func runRefusesAFIFO() {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(mkfifo(dir + "/fifo", 0o600) == 0)
    let r = runMFC(["run", "./fifo", "hi"], cwd: dir, env: ["MFC_MODELS": dir + "/store"])
    #expect(r.status == 1)
    #expect(r.err.contains("'./fifo' is a FIFO (named pipe)"), "\(r.err)")
}

/// FROM a device says what the path is, not "not found".
@Test func fromADeviceNamesTheProblem() {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data("FROM /dev/zero\n".utf8))
    let r = runMFC(["build", "-t", "z"], cwd: dir, env: ["MFC_MODELS": dir + "/store"])
    #expect(r.status == 1)
    #expect(r.err.contains("/dev/zero is a character device, not a model file"), "\(r.err)")
}

/// A store path that is a file is an error for every store command, naming where it came from.
@Test func aStorePathThatIsAFileIsAnError() {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data("FROM m.gguf\n".utf8))
    let list = runMFC(["list", "--store", dir + "/m.gguf"])
    #expect(list.status == 1)
    #expect(list.err.contains("--store \(dir)/m.gguf is not a directory"), "\(list.err)")
    let build = runMFC(["build", "-t", "x"], cwd: dir, env: ["MFC_MODELS": dir + "/m.gguf"])
    #expect(build.status == 1)
    #expect(build.err.contains("MFC_MODELS=\(dir)/m.gguf is not a directory"), "\(build.err)")
    #expect(!build.err.contains("NSCocoaErrorDomain"))
}

/// A Modelfile read through a pipe path (`-f <(...)`, /dev/fd/N) still builds.
@Test func modelfileFromAPipePathBuilds() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let text = Array("FROM \(dir)/m.gguf\nSYSTEM piped\n".utf8)
    #expect(write(fds[1], text, text.count) == text.count)
    close(fds[1])
    defer { close(fds[0]) }
    let r = runMFC(["build", "-f", "/dev/fd/\(fds[0])", "-t", "piped"], cwd: dir, env: ["MFC_MODELS": dir + "/store"])
    #expect(r.status == 0, "\(r.err)")
    #expect(runMFC(["show", "piped", "--system"], env: ["MFC_MODELS": dir + "/store"]).out == "piped\n")
}

/// `run` of a model with a corrupt blob names the blob and points at `mfc verify`; `verify
/// --repair` restores it from the source file; `prune` collects what nothing references.
@Test func corruptBlobIsNamedByRunAndRepairedByVerify() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let env = ["MFC_MODELS": dir + "/store"]
    _ = FileManager.default.createFile(atPath: dir + "/Modelfile", contents: Data("FROM m.gguf\nSYSTEM s\n".utf8))
    #expect(runMFC(["build", "-t", "c"], cwd: dir, env: env).status == 0)
    let blobs = try FileManager.default.contentsOfDirectory(atPath: dir + "/store/blobs")
    let model = try #require(blobs.first { blob in
        FileManager.default.contents(atPath: dir + "/store/blobs/" + blob).map { $0.prefix(4) == Data("GGUF".utf8) } ?? false
    })
    let handle = try #require(FileHandle(forUpdatingAtPath: dir + "/store/blobs/" + model))
    try handle.seek(toOffset: 0)
    try handle.write(contentsOf: Data("XGUF".utf8))
    try handle.close()
    let run = runMFC(["run", "c", "hi"], env: env)
    #expect(run.status == 1)
    #expect(run.err.contains(model.replacingOccurrences(of: "sha256-", with: "sha256:")), "\(run.err)")
    #expect(run.err.contains("mfc verify --repair"))
    let verify = runMFC(["verify"], env: env)
    #expect(verify.status == 1 && verify.out.contains("corrupt blob"))
    let repair = runMFC(["verify", "--repair"], env: env)
    #expect(repair.status == 0, "\(repair.out)")
    #expect(repair.out.contains("repaired blob sha256:") && repair.out.contains("from \(dir)/m.gguf"))
    _ = FileManager.default.createFile(atPath: dir + "/store/blobs/sha256-" + String(repeating: "ab", count: 32), contents: Data("x".utf8))
    let prune = runMFC(["prune"], env: env)
    #expect(prune.status == 0 && prune.out.contains("(1 blob, 0 temporaries)"), "\(prune.out)")
    #expect(runMFC(["verify"], env: env).status == 0)
}

private let unformatted = "from m.gguf\nsystem hi\n"

/// `fmt -w` writes through a symlink to its target and keeps the link.
@Test func fmtWritesThroughSymlinks() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/real.Modelfile", contents: Data(unformatted.utf8))
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.Modelfile", withDestinationPath: "real.Modelfile")
    #expect(runMFC(["fmt", "-w", "link.Modelfile"], cwd: dir).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.Modelfile") == "real.Modelfile")
    #expect(String(decoding: try #require(FileManager.default.contents(atPath: dir + "/real.Modelfile")), as: UTF8.self) == "FROM m.gguf\nSYSTEM hi\n")
}

/// `fmt -w` on a hard-linked file rewrites the shared inode (both names see the change) and
/// keeps its mode.
@Test func fmtKeepsHardLinksAndMode() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/a.Modelfile", contents: Data(unformatted.utf8))
    chmod(dir + "/a.Modelfile", 0o640)
    #expect(link(dir + "/a.Modelfile", dir + "/b.Modelfile") == 0)
    #expect(runMFC(["fmt", "-w", "a.Modelfile"], cwd: dir).status == 0)
    #expect(String(decoding: try #require(FileManager.default.contents(atPath: dir + "/b.Modelfile")), as: UTF8.self) == "FROM m.gguf\nSYSTEM hi\n")
    var st = stat()
    #expect(stat(dir + "/a.Modelfile", &st) == 0)
    #expect(st.st_nlink == 2 && st.st_mode & 0o7777 == 0o640)
}

/// `fmt -w` and `lint --fix` refuse a read-only file and leave it as it was.
@Test func rewritingCommandsRefuseReadOnlyFiles() throws {
    let dir = workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/ro.Modelfile", contents: Data(unformatted.utf8))
    _ = FileManager.default.createFile(atPath: dir + "/typo.Modelfile", contents: Data("FROM m.gguf\nPARAMETER temprature 1\n".utf8))
    chmod(dir + "/ro.Modelfile", 0o444)
    chmod(dir + "/typo.Modelfile", 0o444)
    let fmt = runMFC(["fmt", "-w", "ro.Modelfile"], cwd: dir)
    #expect(fmt.status == 1 && fmt.err.contains("read-only"), "\(fmt.err)")
    #expect(FileManager.default.contents(atPath: dir + "/ro.Modelfile") == Data(unformatted.utf8))
    let fix = runMFC(["lint", "--fix", "typo.Modelfile"], cwd: dir)
    #expect(fix.status == 1 && fix.err.contains("read-only"), "\(fix.err)")
    #expect(FileManager.default.contents(atPath: dir + "/typo.Modelfile") == Data("FROM m.gguf\nPARAMETER temprature 1\n".utf8))
}
