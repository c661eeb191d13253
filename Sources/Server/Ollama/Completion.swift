import Foundation
import HTTPServer
import Runtime

extension OutputFormat {
    /// Ollama's `format`: absent or "", "json", or a JSON schema object.
    init(ollama body: RequestBody) throws(APIError) {
        switch body.value["format"] {
        case nil, .null?, .string("")?: self = .text
        case .string("json")?: self = .json
        case .object(let members)?: self = .schema(.object(members))
        default: throw .badRequest("invalid format: expected \"json\" or a JSON schema object")
        }
    }

    /// The grammar for a request: a schema mfc cannot follow is the client's error (400), found
    /// before any model loads.
    func requestGrammar() throws(APIError) -> Grammar? {
        do { return try grammar() } catch { throw .badRequest(error.message) }
    }
}

/// The parts of a generation request every endpoint shares.
struct CompletionRequest {
    var model: String
    var keepAlive: KeepAlive?
    var options: RequestBody?
    /// What the answer must follow (`format`, `response_format`).
    var grammar: Grammar?
    var stream = true
    let started = ContinuousClock.now

    /// The request's options over the model's, checked against the defaults first so a bad option
    /// is a 400 before any model loads.
    static func checkOptions(_ options: RequestBody?) throws(APIError) {
        _ = try RequestOptions.apply(options, to: SamplingOptions())
    }
}

/// One generation's result.
struct CompletionResult {
    var text: String
    var stats: GenerationStats
    var loadDuration: Duration
    var totalDuration: Duration
    /// The cache's tokens after the answer (prompt and generated), for /api/generate's `context`.
    var context: [Int]
}

extension APIServer {
    /// Acquires the model, runs `body` with the lease and gives the instance back with the request's keep_alive.
    func withModel<R>(_ request: CompletionRequest, _ writer: HTTPResponseWriter, _ body: (ModelLease) throws -> R) throws -> R {
        let lease = try scheduler.acquire(request.model, isCancelled: { writer.isCancelled })
        defer { scheduler.release(lease, keepAlive: request.keepAlive) }
        return try body(lease)
    }

    /// Generates from `prompt` on the lease, calling `emit` with each piece of text as it is safe to show;
    /// stops at the next token once the client is gone.
    func complete(_ request: CompletionRequest, lease: ModelLease, prompt: [Int], options: SamplingOptions,
                  writer: HTTPResponseWriter, emit: (String) -> Void) throws -> CompletionResult {
        let (text, stats, context) = try lease.generate(prompt: prompt, options: options, grammar: request.grammar,
                                                        shouldStop: { writer.isCancelled }, emit: emit)
        writer.tokens = stats.generatedTokens
        return CompletionResult(text: text, stats: stats, loadDuration: lease.loadDuration,
                                totalDuration: ContinuousClock.now - request.started, context: context)
    }

    /// Ollama's Metrics members, omitting zeros as Go's omitempty does.
    func metrics(_ r: CompletionResult) -> [(String, JSON)] {
        let pairs: [(String, Int64)] = [
            ("total_duration", r.totalDuration.nanoseconds), ("load_duration", r.loadDuration.nanoseconds),
            ("prompt_eval_count", Int64(r.stats.promptEvaluated)), ("prompt_eval_duration", r.stats.promptDuration.nanoseconds),
            ("eval_count", Int64(r.stats.generatedTokens)), ("eval_duration", r.stats.generationDuration.nanoseconds),
        ]
        return pairs.filter { $0.1 != 0 }.map { ($0.0, .int(Int($0.1))) }
    }

    /// Common request fields: model, keep_alive, options (checked), stream.
    func completionRequest(_ body: RequestBody) throws(APIError) -> CompletionRequest {
        var request = CompletionRequest(model: try body.modelName())
        if let k = body.value["keep_alive"], k != .null { request.keepAlive = try KeepAlive(json: k) }
        request.options = try body.object("options")
        try CompletionRequest.checkOptions(request.options)
        request.stream = try body.bool("stream") ?? true
        return request
    }
}
