import Foundation

/// How a child `mfc` ended and what it wrote.
struct ChildResult {
    var status: Int32
    /// True when a signal ended it (a crash, or our SIGKILL).
    var signaled: Bool
    var out: String
    var err: String
}

/// Runs the built `mfc` with `arguments`; `killAfter` sends SIGKILL after that many seconds
/// if it is still running.
func runChild(_ arguments: [String], cwd: String, environment: [String: String], killAfter: Double? = nil) throws -> ChildResult {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: builtMFC())
    child.arguments = arguments
    child.currentDirectoryURL = URL(fileURLWithPath: cwd)
    child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    child.standardOutput = out
    child.standardError = err
    child.standardInput = FileHandle.nullDevice
    try child.run()
    if let killAfter {
        let deadline = Date().addingTimeInterval(killAfter)
        while child.isRunning && Date() < deadline { usleep(2_000) }
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    child.waitUntilExit()
    return ChildResult(status: child.terminationStatus, signaled: child.terminationReason == .uncaughtSignal,
                       out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
}
