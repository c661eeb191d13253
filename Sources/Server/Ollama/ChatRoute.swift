import Foundation
import HTTPServer
import Runtime

/// POST /api/chat.
extension APIServer {
    func chat(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        var request = try completionRequest(body)
        request.format = try OutputFormat(ollama: body)
        let turns = try chatTurns(body, model: request.model)
        if let tools = try body.array("tools"), !tools.isEmpty {
            throw APIError.badRequest("registry.ollama.ai/library/\(request.model) does not support tools")
        }
        if try thinkRequested(body) { throw APIError.badRequest("\"\(request.model)\" does not support thinking") }
        let modelName = request.model

        try withModel(request, writer) { lease in
            let created = { JSONTime.string(Date()) }
            if turns.isEmpty {
                let reason = request.keepAlive == .seconds(0) ? "unload" : "load"
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(created())),
                                          ("message", message("")), ("done", .bool(true)), ("done_reason", .string(reason))]))
                return
            }
            let options = try RequestOptions.apply(request.options, to: lease.runnable.options)
            let tokens = try chatPrompt(turns, lease: lease, options: options)
            if request.stream {
                writer.startStream(contentType: "application/x-ndjson")
                do {
                    let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { piece in
                        writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())),
                                                  ("message", message(piece)), ("done", .bool(false))]).line)
                    }
                    writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())), ("message", message("")),
                                              ("done", .bool(true)), ("done_reason", .string(result.stats.doneReason.rawValue))]
                                             + metrics(result)).line)
                } catch {
                    writer.write(JSON.object([("error", .string("\(error)"))]).line)
                }
                writer.finish()
            } else {
                let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { _ in }
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(created())),
                                          ("message", message(result.text)), ("done", .bool(true)),
                                          ("done_reason", .string(result.stats.doneReason.rawValue))] + metrics(result)))
            }
        }
    }

    func message(_ content: String) -> JSON {
        .object([("role", .string("assistant")), ("content", .string(content))])
    }

    /// The request's messages as turns: roles lower-cased and checked, images refused.
    func chatTurns(_ body: RequestBody, model: String) throws(APIError) -> [Turn] {
        var turns: [Turn] = []
        for m in try body.objects("messages") ?? [] {
            let role = (try m.string("role") ?? "").lowercased()
            guard ["system", "user", "assistant", "tool"].contains(role) else {
                throw .badRequest("field '\(m.prefix)role' must be system, user, assistant or tool, got '\(role)'")
            }
            if let images = try m.array("images"), !images.isEmpty {
                throw .badRequest("model '\(model)' does not support images: it is a text-only model")
            }
            turns.append(Turn(role: role, content: try m.string("content") ?? ""))
        }
        return turns
    }

    /// The prompt for a chat as `mfc run` builds it: the model's SYSTEM (unless the request starts with
    /// its own) and MESSAGE history, then the request's turns, oldest dropped to fit num_ctx.
    func chatPrompt(_ turns: [Turn], lease: ModelLease, options: SamplingOptions) throws -> [Int] {
        let runnable = lease.runnable
        var fixed = runnable.history
        if turns.first?.role != "system" && !runnable.system.isEmpty { fixed.insert(Turn(role: "system", content: runnable.system), at: 0) }
        let limit = min(options.numCtx, lease.contextLength) - 1
        return try ChatSession.fittedPrompt(fixed: fixed, turns: turns, format: runnable.format, tokenizer: lease.tokenizer, limit: limit)
    }
}
