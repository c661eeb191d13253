#if canImport(Glibc)
import Glibc
#endif
import Builder
import Foundation
import Server

/// `mfc bench --serve`: one streaming client's time to first token and generation speed through
/// `mfc serve`, beside `mfc run`'s generation in this process and llama.cpp's llama-server on the same
/// GGUF, with the same raw prompt, thread count, greedy settings and number of tokens. Repetitions
/// are interleaved (the engine order rotates), so a change in the machine's load hits all of them.
struct ServeBench {
    let gguf: String
    let threads: [Int]
    let repetitions: Int
    let settings: StreamingSettings
    let prompt: String
    let llamaServer: String?
    let output: any TextOutput

    /// Text both kinds of model continue at length without an end token.
    static let defaultPrompt = "The history of the printing press, told in detail. Chapter one: the early years. "
        + "Long before the first books were printed, scribes copied every page by hand, and"

    func run() throws {
        let children = ChildProcess.Group()
        let signals = children.stopOnSignals()
        defer { withExtendedLifetime(signals) {} }
        let workspace = NSTemporaryDirectory() + "mfc-serve-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let store = workspace + "/store"
        let modelfile = workspace + "/Modelfile"
        try "FROM \(ModelfilePrinter.quoted(absolute(gguf)))\n".write(toFile: modelfile, atomically: true, encoding: .utf8)
        let build = try children.start(Self.executable, ["create", "bench", "-f", modelfile, "--store", store])
        guard build.wait() == 0 else { throw BenchFailure("mfc create of the benchmark model failed") }
        let model = try RunnableModel.resolve("bench", store: store, environment: [:], currentDirectory: workspace)

        output.write("model: \(gguf)\nprompt: \(prompt.count) characters, raw; \(settings.tokens) tokens, greedy\n")
        for t in threads {
            var engines: [any StreamingEngine] = [try InProcessEngine(model: model, threads: t)]
            let servePort = try Self.freePort()
            let serve = try children.start(Self.executable, ["serve", "--host", "127.0.0.1:\(servePort)", "--store", store,
                                                                 "--threads", "\(t)", "--keep-alive", "-1", "--parallel", "1"])
            defer { serve.stop() }
            try Self.waitUntilUp(port: servePort, path: "/", process: serve, name: "mfc serve")
            engines.append(ServeEngine(port: servePort, pid: serve.pid, model: "bench"))
            var llama: ChildProcess?
            defer { llama?.stop() }
            if let llamaServer {
                let port = try Self.freePort()
                let context = min(4096, model.trainedContextLength)
                let process = try children.start(llamaServer, ["-m", absolute(gguf), "--host", "127.0.0.1", "--port", "\(port)",
                                                                   "-t", "\(t)", "-tb", "\(t)", "-c", "\(context)", "-np", "1"])
                llama = process
                try Self.waitUntilUp(port: port, path: "/health", process: process, name: "llama-server")
                engines.append(LlamaServerEngine(port: port, pid: process.pid))
            }
            for engine in engines { _ = try engine.generate("Warm-up. " + prompt, StreamingSettings(tokens: 8)) }
            var runs = Array(repeating: [StreamedGeneration](), count: engines.count)
            for r in 0..<repetitions {
                // A different first word each time, so no engine reuses the previous prompt's cache.
                let text = "\(r + 1). \(prompt)"
                for k in 0..<engines.count {
                    let i = (k + r) % engines.count
                    runs[i].append(try engines[i].generate(text, settings))
                }
            }
            report(threads: t, engines: engines.map(\.name), runs: runs)
        }
    }

    private func report(threads: Int, engines: [String], runs: [[StreamedGeneration]]) {
        output.write("\nthreads \(threads), \(repetitions) repetitions (mean ± sd):\n")
        output.write("| engine | prompt tokens | tokens | first token ms | tokens/s | CPU ms / token | first token / in-process "
                     + "| tokens/s / in-process | CPU / in-process |\n")
        output.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        let first = runs.map { Statistics($0.map(\.firstTokenMilliseconds)) }
        let rate = runs.map { Statistics($0.map(\.tokensPerSecond)) }
        let cpu = runs.map { Statistics($0.map(\.cpuMillisecondsPerToken)) }
        for (i, name) in engines.enumerated() {
            let tokens = Set(runs[i].map(\.tokens)).sorted().map(String.init).joined(separator: "/")
            let prompts = Set(runs[i].map(\.promptTokens)).sorted().map(String.init).joined(separator: "/")
            output.write(String(format: "| %@ | %@ | %@ | %@ | %@ | %@ | %.3f | %.3f | %.3f |\n", name, prompts, tokens, first[i].description,
                                rate[i].description, cpu[i].description, first[i].mean / first[0].mean, rate[i].mean / rate[0].mean,
                                cpu[i].mean / cpu[0].mean))
        }
        if engines.count > 1 {
            output.write(String(format: "mfc serve overhead: first token %+.1f%%, generation %+.1f%% time per token, %+.1f%% CPU per token\n",
                                (first[1].mean / first[0].mean - 1) * 100, (rate[0].mean / rate[1].mean - 1) * 100,
                                (cpu[1].mean / cpu[0].mean - 1) * 100))
            let same = zip(runs[0], runs[1]).allSatisfy { $0.text == $1.text }
            output.write("mfc serve text \(same ? "equals" : "DIFFERS FROM") the in-process text\n")
        }
        if engines.count > 2 {
            output.write(String(format: "mfc serve / llama-server: first token time %.3f, tokens/s %.3f\n",
                                first[1].mean / first[2].mean, rate[1].mean / rate[2].mean))
            let same = zip(runs[1], runs[2]).allSatisfy { $0.text == $1.text }
            output.write("llama-server text \(same ? "equals" : "differs from") mfc's\n")
        }
        let counts = Set(runs.flatMap { $0.map(\.tokens) })
        if counts != [settings.tokens] {
            output.write("warning: token counts differ from \(settings.tokens) (an engine stopped at an end token): \(counts.sorted())\n")
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// This executable, to start `mfc create` and `mfc serve` as a user would.
    static var executable: String { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0] }

    /// A loopback port nothing listens on (bound and released; the child binds it right after).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw BenchFailure("bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls GET `path` until it answers 200 (a server loading its model answers 503 or not at all).
    static func waitUntilUp(port: Int, path: String, process: ChildProcess, name: String) throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchFailure("\(name) exited before answering (status \(process.wait()))") }
            if (try? StreamingHTTPClient(port: port).send("GET", path, timeout: .seconds(5))) == 200 { return }
            usleep(100_000)
        }
        throw BenchFailure("\(name) did not answer on port \(port) within 300 s")
    }
}

/// A child process with its output discarded, stopped with SIGTERM.
final class ChildProcess {
    private let process = Process()

    static func start(_ executable: String, _ arguments: [String]) throws -> ChildProcess {
        let child = ChildProcess()
        child.process.executableURL = URL(fileURLWithPath: executable)
        child.process.arguments = arguments
        child.process.standardOutput = FileHandle.nullDevice
        child.process.standardError = FileHandle.nullDevice
        do { try child.process.run() } catch { throw BenchFailure("cannot start \(executable): \(error.localizedDescription)") }
        return child
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// The children of one benchmark, stopped with it when SIGINT or SIGTERM ends it early (a server
    /// left behind would hold its port and its model's memory).
    final class Group: @unchecked Sendable {
        private let lock = NSLock()
        private var members: [ChildProcess] = []

        func start(_ executable: String, _ arguments: [String]) throws -> ChildProcess {
            let child = try ChildProcess.start(executable, arguments)
            lock.withLock { members.append(child) }
            return child
        }

        func stopOnSignals() -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    for child in lock.withLock({ members }) where child.isRunning { kill(child.pid, SIGTERM) }
                    exit(128 + number)
                }
                source.resume()
                return source
            }
        }
    }
}
