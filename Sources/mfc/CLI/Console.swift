import Foundation

/// A text destination: the process's stdout/stderr, or a buffer in tests.
protocol TextOutput: AnyObject, Sendable {
    func write(_ text: String)
    /// True when a person is watching (a terminal): enables colour and progress bars.
    var isTerminal: Bool { get }
}

/// Writes to a file descriptor without buffering surprises between stdout and stderr.
final class FileDescriptorOutput: TextOutput, @unchecked Sendable {
    let fd: Int32
    let isTerminal: Bool
    init(fd: Int32) {
        self.fd = fd
        self.isTerminal = isatty(fd) == 1
    }
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
            }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
        bytes.removeAll()
    }
}

/// Collects everything written; used by tests that run commands in-process.
final class BufferOutput: TextOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    let isTerminal = false
    init() {}
    func write(_ text: String) { lock.withLock { storage += text } }
    var text: String { lock.withLock { storage } }
}

/// Everything a command may touch of the outside world, so tests can run it in-process.
struct Console: Sendable {
    var stdout: any TextOutput
    var stderr: any TextOutput
    /// Reads all of standard input (for `-` paths and piped prompts).
    var readStdin: @Sendable () throws(InputError) -> Data
    var stdinIsTerminal: Bool
    var environment: [String: String]
    var currentDirectory: String

    init(stdout: any TextOutput, stderr: any TextOutput,
                readStdin: @escaping @Sendable () throws(InputError) -> Data,
                stdinIsTerminal: Bool,
                environment: [String: String], currentDirectory: String) {
        self.stdout = stdout
        self.stderr = stderr
        self.readStdin = readStdin
        self.stdinIsTerminal = stdinIsTerminal
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    static func process() -> Console {
        Console(stdout: FileDescriptorOutput(fd: 1), stderr: FileDescriptorOutput(fd: 2),
                readStdin: { () throws(InputError) in try StandardStreams.readAll() },
                stdinIsTerminal: isatty(0) == 1,
                environment: ProcessInfo.processInfo.environment,
                currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Colour is used only on a terminal and never under NO_COLOR.
    var stderrColor: Bool { stderr.isTerminal && environment["NO_COLOR"] == nil }
    var stdoutColor: Bool { stdout.isTerminal && environment["NO_COLOR"] == nil }
}
