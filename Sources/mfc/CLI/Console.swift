import Foundation

/// A text destination: the process's stdout/stderr, or a buffer in tests.
public protocol TextOutput: AnyObject, Sendable {
    func write(_ text: String)
    /// True when a person is watching (a terminal): enables colour and progress bars.
    var isTerminal: Bool { get }
}

/// Writes to a file descriptor without buffering surprises between stdout and stderr.
public final class FileDescriptorOutput: TextOutput, @unchecked Sendable {
    let fd: Int32
    public let isTerminal: Bool
    public init(fd: Int32) {
        self.fd = fd
        self.isTerminal = isatty(fd) == 1
    }
    public func write(_ text: String) {
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
public final class BufferOutput: TextOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    public let isTerminal = false
    public init() {}
    public func write(_ text: String) { lock.withLock { storage += text } }
    public var text: String { lock.withLock { storage } }
}

/// Everything a command may touch of the outside world, so tests can run it in-process.
public struct Console: Sendable {
    public var stdout: any TextOutput
    public var stderr: any TextOutput
    /// Reads all of standard input (for `-` paths and piped prompts).
    public var readStdin: @Sendable () -> Data
    public var stdinIsTerminal: Bool
    public var environment: [String: String]
    public var currentDirectory: String

    public init(stdout: any TextOutput, stderr: any TextOutput,
                readStdin: @escaping @Sendable () -> Data,
                stdinIsTerminal: Bool,
                environment: [String: String], currentDirectory: String) {
        self.stdout = stdout
        self.stderr = stderr
        self.readStdin = readStdin
        self.stdinIsTerminal = stdinIsTerminal
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    public static func process() -> Console {
        Console(stdout: FileDescriptorOutput(fd: 1), stderr: FileDescriptorOutput(fd: 2),
                readStdin: { FileHandle.standardInput.readDataToEndOfFile() },
                stdinIsTerminal: isatty(0) == 1,
                environment: ProcessInfo.processInfo.environment,
                currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Colour is used only on a terminal and never under NO_COLOR.
    public var stderrColor: Bool { stderr.isTerminal && environment["NO_COLOR"] == nil }
    public var stdoutColor: Bool { stdout.isTerminal && environment["NO_COLOR"] == nil }
}
