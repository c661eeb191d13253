import Foundation
import Testing
import TestSupport
@testable import mfc

/// Closed or unreadable standard streams are end of file or an error, never a trap (exit 132).
struct StandardStreamTests {
    /// Runs the built `mfc` through `sh -c` so the shell can close or redirect its streams.
    static func shell(_ script: String) throws -> (status: Int32, reason: Process.TerminationReason, err: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", script]
        child.environment = ["MFC": builtMFC(), "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let err = Pipe()
        child.standardError = err
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (child.terminationStatus, child.terminationReason, text)
    }

    @Test(arguments: ["\"$MFC\" lint - <&-", "\"$MFC\" fmt - <&-", "\"$MFC\" template --template - --prompt hi <&-",
                      "\"$MFC\" lint - <&- >&- 2>&-"])
    func closedStandardInputIsEndOfFile(_ script: String) throws {
        let r = try Self.shell(script)
        #expect(r.reason == .exit && (0...2).contains(r.status), "\(script): status \(r.status), \(r.err)")
        #expect(!r.err.contains("Fatal error"), "\(r.err)")
    }

    @Test func runWithClosedStandardInputAnswersAndExits() throws {
        let model = try TestModels.smolLM2()
        let r = try Self.shell("\"$MFC\" run '\(model)' Hi --threads 1 --param num_predict=2 <&-")
        #expect(r.reason == .exit && r.status == 0, "status \(r.status): \(r.err)")
    }

    @Test func aDirectoryOnStandardInputIsAnError() throws {
        let r = try Self.shell("\"$MFC\" lint - < /")
        #expect(r.reason == .exit && r.status == 1, "status \(r.status): \(r.err)")
        #expect(r.err.contains("cannot read standard input: Is a directory"), "\(r.err)")
    }

    @Test func anUnreadableStandardInputIsReportedInProcess() {
        let out = BufferOutput(), err = BufferOutput()
        let console = Console(stdout: out, stderr: err, readStdin: { () throws(InputError) in throw InputError(description: "cannot read standard input: I/O error") },
                              stdinIsTerminal: false, environment: [:], currentDirectory: "/")
        #expect(MFC.main(arguments: ["lint", "-"], console: console) == 1)
        #expect(err.text.contains("cannot read standard input: I/O error"), "\(err.text)")
    }
}
