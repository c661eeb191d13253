import Foundation
import Testing
@testable import mfc

/// Runs `mfc` in-process and returns (status, stdout, stderr).
func runMFC(_ args: [String], stdin: String = "", cwd: String = FileManager.default.currentDirectoryPath,
            env: [String: String] = [:]) -> (status: Int32, out: String, err: String) {
    let out = BufferOutput(), err = BufferOutput()
    let input = Data(stdin.utf8)
    // Never the developer's own store: lint's FROM check (MF1012) and builds stay hermetic.
    var env = env
    if env["MFC_MODELS"] == nil { env["MFC_MODELS"] = NSTemporaryDirectory() + "mfc-tests-no-store" }
    var console = Console(stdout: out, stderr: err, readStdin: { input }, stdinIsTerminal: false,
                          environment: env, currentDirectory: cwd)
    // An hour ahead: files a test just wrote are past the build cache's racy window.
    console.wallClock = .offset(seconds: 3600)
    let status = MFC.main(arguments: args, console: console)
    return (status, out.text, err.text)
}

@Test func versionPrints() {
    let r = runMFC(["--version"])
    #expect(r.status == 0)
    #expect(r.out == "mfc \(MFC.version)\n")
}

/// Too many arguments: the message names the first extra one; a command with none says so.
@Test func extraArgumentsAreNamed() {
    let r = runMFC(["list", "extra"])
    #expect(r.status == 2)
    #expect(r.err.contains("'mfc list' takes no arguments, got 1: 'extra'"), "\(r.err)")
    #expect(runMFC(["show", "a", "b"]).err.contains("takes at most 1 argument, got 2: 'b'"))
}

/// `mfc ps` with no server running says how to start one.
@Test func psWithoutAServerSaysHowToStartOne() {
    let r = runMFC(["ps", "--host", "127.0.0.1:1"])
    #expect(r.status == 1)
    #expect(r.err.contains("is it running? Start it with 'mfc serve'"), "\(r.err)")
}

@Test func unknownCommandIsUsageError() {
    let r = runMFC(["frobnicate"])
    #expect(r.status == 2)
    #expect(r.err.contains("unknown command 'frobnicate'"))
}

@Test func everyCommandHasHelp() {
    for command in MFC.commands {
        let r = runMFC([command.info.name, "--help"])
        #expect(r.status == 0, "\(command.info.name)")
        #expect(r.out.hasPrefix("OVERVIEW: "), "\(command.info.name)")
    }
}

@Test func unknownOptionIsUsageError() {
    let r = runMFC(["version", "--bogus"])
    #expect(r.status == 2)
    #expect(r.err.contains("unknown option '--bogus'"))
}
