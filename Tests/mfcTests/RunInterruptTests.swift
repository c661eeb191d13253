import Foundation
import Testing
import TestSupport

// Ctrl-C during an answer stops the answer and keeps the chat going. This needs the real binary
// (the SIGINT handler, a terminal on standard input), so it runs the built `mfc` beside the test
// bundle as a child process whose standard input is a pseudo-terminal.

/// Everything the child wrote to a pipe so far, read without blocking.
private final class Collected {
    private let fd: Int32
    private var bytes: [UInt8] = []
    init(_ handle: FileHandle) {
        fd = handle.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    var text: String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Polls `condition` every 50 ms for up to `seconds`.
private func wait(seconds: Double, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}

/// libc's pseudo-terminal calls, which the Glibc module does not export (they need _XOPEN_SOURCE).
private func libc<T>(_ name: String, as: T.Type) -> T? {
    dlsym(nil, name).map { unsafeBitCast($0, to: T.self) }
}

/// Opens a pseudo-terminal; returns (master, slave) descriptors.
private func openPseudoTerminal() -> (master: Int32, slave: Int32)? {
    typealias IntCall = @convention(c) (Int32) -> Int32
    guard let openpt = libc("posix_openpt", as: IntCall.self), let grant = libc("grantpt", as: IntCall.self),
          let unlock = libc("unlockpt", as: IntCall.self),
          let name = libc("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self) else { return nil }
    let master = openpt(O_RDWR | O_NOCTTY)
    guard master >= 0 else { return nil }
    guard grant(master) == 0, unlock(master) == 0, let path = name(master) else { close(master); return nil }
    let slave = open(path, O_RDWR | O_NOCTTY)
    guard slave >= 0 else { close(master); return nil }
    return (master, slave)
}

/// The `mfc` executable that `swift test` builds next to the test bundle.
func builtMFC() -> String {
    let directory = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
    return directory.appendingPathComponent("mfc").path
}

@Test func ctrlCStopsTheAnswerNotTheChat() throws {
    let binary = builtMFC()
    #expect(FileManager.default.isExecutableFile(atPath: binary), "no mfc binary at \(binary)")
    // A pseudo-terminal, so the child sees a terminal on standard input and starts the chat.
    let terminal = openPseudoTerminal()
    #expect(terminal != nil, "cannot open a pseudo-terminal")
    guard let (master, slave) = terminal else { return }
    defer { close(master); close(slave) }

    let child = Process()
    child.executableURL = URL(fileURLWithPath: binary)
    child.arguments = ["run", try TestModels.smolLM2(), "--threads", "1",
                       "--param", "temperature=0", "--param", "num_predict=4000"]
    child.standardInput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    let output = Pipe()
    child.standardOutput = output
    child.standardError = FileHandle.nullDevice
    let collected = Collected(output.fileHandleForReading)
    try child.run()
    defer { if child.isRunning { child.terminate() } }
    func type(_ line: String) { _ = Array(line.utf8).withUnsafeBytes { write(master, $0.baseAddress, $0.count) } }

    #expect(wait(seconds: 60) { collected.text.hasPrefix(">>> ") }, "no prompt: \(collected.text)")
    type("Write a very long story about a dragon who learns to fly, with many chapters.\n")
    // Interrupt once the answer is streaming.
    #expect(wait(seconds: 60) { collected.text.count > 60 }, "no answer: \(collected.text)")
    child.interrupt()
    #expect(wait(seconds: 30) { collected.text.contains("^C\n\n>>> ") }, "answer not stopped: \(collected.text)")
    #expect(child.isRunning)
    // The chat goes on: a command still answers, then /bye leaves normally.
    type("/show system\n")
    #expect(wait(seconds: 30) { collected.text.contains("^C\n\n>>> No system message was specified for this model.\n>>> ") },
            "no answer to /show system: \(collected.text.suffix(200))")
    type("/bye\n")
    #expect(wait(seconds: 30) { !child.isRunning }, "still running after /bye")
    #expect(!child.isRunning && child.terminationReason == .exit && child.terminationStatus == 0)
}
