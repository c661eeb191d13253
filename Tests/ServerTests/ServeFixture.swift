import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A store built from `examples/` (SmolLM2 + the Mario persona) and a running `mfc serve` over it.
final class ServeFixture: @unchecked Sendable {
    let directory: String
    let store: String
    let process: Process
    let port: Int
    let log: Collected

    /// The `mfc` executable `swift test` builds beside the test bundle.
    static var mfc: String {
        let directory = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
        return directory.appendingPathComponent("mfc").path
    }

    /// The Python with the `ollama` and `openai` clients that `.ci/run` installs (the test fails without it).
    static var python: String {
        ProcessInfo.processInfo.environment["MFC_PYTHON_CLIENTS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Golden.repositoryRoot + "/.build/python-clients/bin/python"
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Builds the example models into a fresh store and starts the server on a free port.
    init(serveArguments: [String] = [], environment: [String: String] = [:]) throws {
        let fm = FileManager.default
        directory = fm.temporaryDirectory.appendingPathComponent("mfc-serve-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["smollm2-chat.Modelfile", "mario.Modelfile"] {
            try fm.copyItem(atPath: Golden.repositoryRoot + "/examples/" + file, toPath: directory + "/" + file)
        }
        try fm.createSymbolicLink(atPath: directory + "/smollm2.gguf", withDestinationPath: TestModels.smolLM2())
        store = directory + "/store"
        let build = try Self.run([Self.mfc, "build", directory, "--store", store])
        guard build.status == 0 else { throw Failure(description: "mfc build failed: \(build.output)") }

        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.mfc)
        process.arguments = ["serve", "--host", "127.0.0.1:0", "--store", store] + serveArguments
        var env = ProcessInfo.processInfo.environment
        for key in ["OLLAMA_HOST", "MFC_HOST", "OLLAMA_ORIGINS", "OLLAMA_NUM_PARALLEL", "OLLAMA_KEEP_ALIVE"] { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        log = Collected(pipe.fileHandleForReading)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while Date() < deadline, found == nil, process.isRunning {
            let text = log.text
            if let r = text.range(of: "listening on 127.0.0.1:") {
                found = Int(text[r.upperBound...].prefix { $0.isNumber })
            }
            usleep(20_000)
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw Failure(description: "mfc serve did not start: \(log.text)")
        }
        port = found
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Stops the server with SIGTERM; returns its exit status (or nil if it had to be killed).
    @discardableResult
    func stop() -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit(); return nil }
        return process.terminationStatus
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a program to completion; returns its status and combined output.
    static func run(_ arguments: [String], environment: [String: String]? = nil, timeout: Double = 600) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        if let environment { p.environment = environment }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        let out = Collected(pipe.fileHandleForReading)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate(); p.waitUntilExit(); throw Failure(description: "\(arguments[0]) timed out: \(out.text)") }
        p.waitUntilExit()
        usleep(50_000)
        return (p.terminationStatus, out.text)
    }

    /// Runs one of the Python client scripts against this server.
    func python(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw Failure(description: "no Python with the ollama/openai clients at \(Self.python); .ci/run installs it (python3 -m venv .build/python-clients && .build/python-clients/bin/pip install ollama openai)")
        }
        let path = Golden.repositoryRoot + "/Tests/ServerTests/Clients/" + script
        var env = ProcessInfo.processInfo.environment
        env["OLLAMA_HOST"] = base
        env["NO_PROXY"] = "127.0.0.1,localhost"
        for key in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"] { env[key] = nil }
        return try Self.run([Self.python, path, base] + arguments, environment: env)
    }
}

/// Collects a pipe's output on a background thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                lock.withLock { data.append(chunk) }
            }
        }
    }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// One HTTP request with a raw body, for the edge cases (status and body text).
func http(_ method: String, _ url: String, body: String? = nil, headers: [String: String] = [:]) throws -> (status: Int, body: String) {
    guard let u = URL(string: url), let port = u.port else { throw ServeFixture.Failure(description: "bad url \(url)") }
    let c = try RawHTTP(port: port)
    let bytes = Array((body ?? "").utf8)
    var head = "\(method) \(u.path.isEmpty ? "/" : u.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (k, v) in headers { head += "\(k): \(v)\r\n" }
    if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
    c.send(Array((head + "\r\n").utf8) + bytes)
    let text = c.read(seconds: 300)
    guard let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
        throw ServeFixture.Failure(description: "no HTTP response: \(text)")
    }
    var payload = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    if text.lowercased().contains("transfer-encoding: chunked") { payload = dechunk(payload) }
    return (status, payload)
}

/// The body of a chunked response.
func dechunk(_ text: String) -> String {
    var bytes = Array(text.utf8)[...]
    var out: [UInt8] = []
    while let lineEnd = bytes.firstIndex(of: 13), let size = Int(String(decoding: bytes[bytes.startIndex..<lineEnd], as: UTF8.self), radix: 16) {
        if size == 0 { break }
        let start = lineEnd + 2
        guard start + size <= bytes.endIndex else { break }
        out += bytes[start..<(start + size)]
        bytes = bytes[(start + size + 2)...]
    }
    return String(decoding: out, as: UTF8.self)
}
