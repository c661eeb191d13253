import Foundation
import ModelfileLang
import Runtime
import Server

/// One streamed generation as its client saw it.
struct StreamedGeneration {
    /// From sending the request (or calling the generator) to the first piece of text.
    var firstToken: Duration
    /// From the first piece of text to the last.
    var span: Duration
    /// Tokens generated and prompt tokens evaluated, as the engine counted them.
    var tokens: Int
    var promptTokens: Int
    var text: String
    /// CPU time the engine's process spent on the request (all its threads), a figure the machine's
    /// load moves much less than the wall times.
    var cpu: Duration = .zero

    var cpuMillisecondsPerToken: Double {
        (Double(cpu.components.seconds) * 1e3 + Double(cpu.components.attoseconds) / 1e15) / Double(max(1, tokens))
    }

    /// Generation speed as a streaming client sees it: the tokens after the first over the time they took.
    var tokensPerSecond: Double {
        let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
        return tokens > 1 && seconds > 0 ? Double(tokens - 1) / seconds : 0
    }

    var firstTokenMilliseconds: Double {
        Double(firstToken.components.seconds) * 1e3 + Double(firstToken.components.attoseconds) / 1e15
    }
}

/// The greedy settings every engine gets, in Ollama's option names (llama-server's are mapped from them).
struct StreamingSettings {
    let tokens: Int
    var ollamaOptions: [(String, JSONValue)] {
        [("temperature", .int(0)), ("top_k", .int(1)), ("repeat_penalty", .int(1)), ("num_predict", .int(tokens)), ("seed", .int(42))]
    }
}

/// Something that streams a generation for a raw prompt.
protocol StreamingEngine {
    var name: String { get }
    func generate(_ prompt: String, _ settings: StreamingSettings) throws -> StreamedGeneration
}

/// Records the arrival of text pieces.
private struct ArrivalLog {
    let start: ContinuousClock.Instant
    var first: ContinuousClock.Instant?
    var last: ContinuousClock.Instant?
    var text = ""

    init(start: ContinuousClock.Instant) { self.start = start }

    mutating func piece(_ s: String, at t: ContinuousClock.Instant) {
        guard !s.isEmpty else { return }
        if first == nil { first = t }
        last = t
        text += s
    }

    func result(tokens: Int, promptTokens: Int, cpu: Duration) throws(BenchFailure) -> StreamedGeneration {
        guard let first, let last else { throw BenchFailure("the engine generated no text") }
        return StreamedGeneration(firstToken: first - start, span: last - first, tokens: tokens, promptTokens: promptTokens,
                                  text: text, cpu: cpu)
    }
}

/// CPU time (user + system, every thread, finished ones included) of a process.
enum ProcessCPU {
    /// This process, to the microsecond.
    static func ofSelf() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return .microseconds(Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
                             + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec))
    }

    /// Another process, from /proc/PID/stat (utime and stime, in clock ticks).
    static func of(_ pid: Int32) -> Duration {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .zero }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return .zero }
        let hertz = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .microseconds((user + system) * 1_000_000 / max(1, hertz))
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `mfc run`'s generation in this process: the built model's session with `--raw`.
final class InProcessEngine: StreamingEngine {
    let name = "mfc run (in-process)"
    let model: RunnableModel
    let generator: Generator

    init(model: RunnableModel, threads: Int) throws {
        self.model = model
        generator = try model.makeGenerator(threads: threads)
    }

    func generate(_ prompt: String, _ settings: StreamingSettings) throws -> StreamedGeneration {
        generator.reset()   // each repetition evaluates its whole prompt, as on the servers
        let options = model.options.overlaid(with: try Parameters.options(fromJSON: settings.ollamaOptions).values)
        let session = ChatSession(generator: generator, format: model.format, options: options, system: model.system, raw: true)
        let cpu = ProcessCPU.ofSelf()
        var log = ArrivalLog(start: .now)
        let stats = try session.respond(to: prompt) { log.piece($0, at: .now) }
        return try log.result(tokens: stats.generatedTokens, promptTokens: stats.promptEvaluated, cpu: ProcessCPU.ofSelf() - cpu)
    }
}

/// `mfc serve`'s /api/generate, streamed (NDJSON), raw prompt.
struct ServeEngine: StreamingEngine {
    let name = "mfc serve"
    let port: Int
    let pid: Int32
    let model: String

    func generate(_ prompt: String, _ settings: StreamingSettings) throws -> StreamedGeneration {
        let body = JSONValue.object([("model", .string(model)), ("prompt", .string(prompt)), ("raw", .bool(true)),
                                     ("stream", .bool(true)), ("options", .object(settings.ollamaOptions))])
        let cpu = ProcessCPU.of(pid)
        var log = ArrivalLog(start: .now)
        var counts: (Int, Int)?
        var failure: String?
        let status = try StreamingHTTPClient(port: port).send("POST", "/api/generate", body: String(decoding: body.goJSON(), as: UTF8.self)) { line, t in
            guard let json = try? JSONValue.parse(line) else { failure = "unreadable line '\(line)'"; return false }
            if let error = json["error"]?.stringValue { failure = error; return false }
            log.piece(json["response"]?.stringValue ?? "", at: t)
            if json["done"]?.boolValue == true { counts = (json["eval_count"]?.intValue ?? 0, json["prompt_eval_count"]?.intValue ?? 0) }
            return true
        }
        guard status == 200, failure == nil, let counts else { throw BenchFailure("mfc serve answered \(status): \(failure ?? "no final line")") }
        return try log.result(tokens: counts.0, promptTokens: counts.1, cpu: ProcessCPU.of(pid) - cpu)
    }
}

/// llama.cpp's llama-server /completion, streamed (server-sent events), the same raw prompt.
struct LlamaServerEngine: StreamingEngine {
    let name = "llama-server"
    let port: Int
    let pid: Int32

    func generate(_ prompt: String, _ settings: StreamingSettings) throws -> StreamedGeneration {
        let body = JSONValue.object([("prompt", .string(prompt)), ("n_predict", .int(settings.tokens)), ("stream", .bool(true)),
                                     ("temperature", .int(0)), ("top_k", .int(1)), ("repeat_penalty", .int(1)), ("seed", .int(42)),
                                     ("cache_prompt", .bool(false))])
        let cpu = ProcessCPU.of(pid)
        var log = ArrivalLog(start: .now)
        var counts: (Int, Int)?
        var failure: String?
        let status = try StreamingHTTPClient(port: port).send("POST", "/completion", body: String(decoding: body.goJSON(), as: UTF8.self)) { line, t in
            guard line.hasPrefix("data: ") else { return true }
            guard let json = try? JSONValue.parse(String(line.dropFirst(6))) else { failure = "unreadable event '\(line)'"; return false }
            if let error = json["error"] { failure = "\(error)"; return false }
            log.piece(json["content"]?.stringValue ?? "", at: t)
            if json["stop"]?.boolValue == true {
                counts = (json["tokens_predicted"]?.intValue ?? 0, json["timings"]?["prompt_n"]?.intValue ?? json["tokens_evaluated"]?.intValue ?? 0)
            }
            return true
        }
        guard status == 200, failure == nil, let counts else { throw BenchFailure("llama-server answered \(status): \(failure ?? "no final event")") }
        return try log.result(tokens: counts.0, promptTokens: counts.1, cpu: ProcessCPU.of(pid) - cpu)
    }
}
