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
    let console = Console(stdout: out, stderr: err, readStdin: { input }, stdinIsTerminal: false,
                          environment: env, currentDirectory: cwd)
    let status = MFC.main(arguments: args, console: console)
    return (status, out.text, err.text)
}

@Test func versionPrints() {
    let r = runMFC(["--version"])
    #expect(r.status == 0)
    #expect(r.out == "mfc \(MFC.version)\n")
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
