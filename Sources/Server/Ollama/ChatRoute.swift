import Foundation
import HTTPServer
import ModelfileLang
import Runtime

/// POST /api/chat.
extension APIServer {
    func chat(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        var request = try completionRequest(body)
        request.grammar = try OutputFormat(ollama: body).requestGrammar()
        let turns = try chatTurns(body, model: request.model)
        let tools = try chatTools(body)
        let (think, toolNames) = try checkCapabilities(request.model, think: try thinkValue(body), tools: tools)
        let modelName = request.model

        try withModel(request, writer) { lease in
            let created = { JSONTime.string(Date()) }
            if turns.isEmpty {
                let reason = request.keepAlive == .seconds(0) ? "unload" : "load"
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(created())),
                                          ("message", message(ParsedOutput())), ("done", .bool(true)), ("done_reason", .string(reason))]))
                return
            }
            let options = try RequestOptions.apply(request.options, to: lease.runnable.options)
            let prompt = try chatPrompt(turns, lease: lease, options: options, tools: tools, think: think)
            var parser = ResponseParser(template: lease.runnable.format.template, prompt: prompt.text, think: think?.enabled ?? false,
                                        toolNames: toolNames)
            if request.stream {
                writer.startStream(contentType: "application/x-ndjson")
                do {
                    let result = try complete(request, lease: lease, prompt: prompt.tokens, options: options, writer: writer) { piece in
                        let out = parser.add(piece)
                        guard !out.isEmpty else { return }
                        writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())),
                                                  ("message", message(out)), ("done", .bool(false))]).line)
                    }
                    writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())), ("message", message(parser.remainder)),
                                              ("done", .bool(true)), ("done_reason", .string(result.stats.doneReason.rawValue))]
                                             + metrics(result)).line)
                } catch {
                    writer.write(JSON.object([("error", .string("\(error)"))]).line)
                }
                writer.finish()
            } else {
                var answer = ParsedOutput()
                let result = try complete(request, lease: lease, prompt: prompt.tokens, options: options, writer: writer) { answer += parser.add($0) }
                answer += parser.remainder
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(created())),
                                          ("message", message(answer)), ("done", .bool(true)),
                                          ("done_reason", .string(result.stats.doneReason.rawValue))] + metrics(result)))
            }
        }
    }

    /// Ollama's assistant message: content, and reasoning and tool calls when there are some.
    func message(_ out: ParsedOutput) -> JSON {
        var fields: [(String, JSON)] = [("role", .string("assistant")), ("content", .string(out.content))]
        if !out.thinking.isEmpty { fields.append(("thinking", .string(out.thinking))) }
        if !out.calls.isEmpty {
            fields.append(("tool_calls", .array(out.calls.map { call in
                .object([("id", .string(toolCallID())), ("function", .object([("index", .int(call.index)), ("name", .string(call.name)),
                                                                              ("arguments", call.arguments)]))])
            })))
        }
        return .object(fields)
    }

    /// An id for a call the model made, in Ollama's form (`call_` and eight letters or digits).
    func toolCallID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "call_" + String((0..<8).map { _ in alphabet.randomElement() ?? "a" })
    }

    /// The request's messages as turns: roles lower-cased and checked, images refused; an assistant's
    /// calls, reasoning and a tool result's tool name are kept for the template.
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
            var turn: Turn
            do { turn = try Turn(json: m.value) } catch { throw .badRequest("field '\(m.prefix.dropLast())': \(error.message)") }
            turn.role = role
            turn.content = try m.string("content") ?? ""
            turn.thinking = try m.string("thinking") ?? ""
            turns.append(turn)
        }
        return turns
    }

    /// The request's `tools`, nil when absent.
    func chatTools(_ body: RequestBody) throws(APIError) -> [Tool]? {
        guard let items = try body.array("tools") else { return nil }
        var tools: [Tool] = []
        for (i, item) in items.enumerated() {
            do { tools.append(try Tool(json: item)) } catch { throw .badRequest("field 'tools[\(i)]': \(error.message)") }
        }
        return tools
    }

    /// `think`: a bool or a level.
    func thinkValue(_ body: RequestBody) throws(APIError) -> ThinkValue? {
        switch body.value["think"] {
        case nil, .null?: return nil
        case .bool(let b)?: return .bool(b)
        case .string(let level)? where ["high", "medium", "low", "max"].contains(level): return .level(level)
        default: throw .badRequest("field 'think' must be true, false, \"high\", \"medium\", \"low\" or \"max\"")
        }
    }

    /// Refuses tools or thinking the model's template cannot show, as Ollama does, and settles `think`
    /// as Ollama does: on by default for a model that can think. Returns it with the names of the
    /// tools whose calls to look for.
    func checkCapabilities(_ model: String, think: ThinkValue?, tools: [Tool]?) throws -> (ThinkValue?, [String]) {
        let resolved = try resolveModel(model)
        let capabilities = TemplateCapabilities(try PromptTemplate.parse(resolved.template ?? PromptTemplate.defaultText))
        if let tools, !tools.isEmpty, !capabilities.tools {
            throw APIError.badRequest("registry.ollama.ai/library/\(model) does not support tools")
        }
        if capabilities.thinking { return (think ?? .bool(true), tools?.map(\.name) ?? []) }
        if think?.enabled == true { throw APIError.badRequest("\"\(model)\" does not support thinking") }
        return (think, tools?.map(\.name) ?? [])
    }

    /// The prompt for a chat as `mfc run` builds it: the model's SYSTEM (unless the request starts with
    /// its own) and MESSAGE history, then the request's turns, oldest dropped to fit num_ctx.
    func chatPrompt(_ turns: [Turn], lease: ModelLease, options: SamplingOptions, tools: [Tool]? = nil,
                    think: ThinkValue? = nil) throws -> (text: String, tokens: [Int]) {
        let runnable = lease.runnable
        var fixed = runnable.history
        if turns.first?.role != "system" && !runnable.system.isEmpty { fixed.insert(Turn(role: "system", content: runnable.system), at: 0) }
        let limit = min(options.numCtx, lease.contextLength) - 1
        return try ChatSession.fittedPrompt(fixed: fixed, turns: turns, format: runnable.format, tokenizer: lease.tokenizer,
                                            limit: limit, tools: tools, think: think)
    }
}
