import Foundation
import HTTPServer
import ModelfileLang
import Runtime

/// POST /api/generate.
extension APIServer {
    func generate(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        var request = try completionRequest(body)
        request.grammar = try OutputFormat(ollama: body).requestGrammar()
        let prompt = try body.string("prompt") ?? ""
        let system = try body.string("system")
        let template = try body.string("template")
        let raw = try body.bool("raw") ?? false
        let suffix = try body.string("suffix") ?? ""
        if let images = try body.array("images"), !images.isEmpty {
            throw APIError.badRequest("model '\(request.model)' does not support images: it is a text-only model")
        }
        let (think, _) = try checkCapabilities(request.model, think: try thinkValue(body), tools: nil)
        var context: [Int] = []
        if let items = try body.array("context") {
            for item in items {
                guard let t = item.intValue, t >= 0 else { throw APIError.badRequest("field 'context' must be an array of token ids") }
                context.append(t)
            }
        }
        let modelName = request.model

        try withModel(request, writer) { lease in
            if prompt.isEmpty && context.isEmpty {
                // Loading (or unloading with keep_alive 0) only.
                let reason = request.keepAlive == .seconds(0) ? "unload" : "load"
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(JSONTime.string(Date()))),
                                          ("response", .string("")), ("done", .bool(true)), ("done_reason", .string(reason))]))
                return
            }
            let runnable = lease.runnable
            let options = try RequestOptions.apply(request.options, to: runnable.options)
            let tokenizer = lease.tokenizer
            guard context.allSatisfy({ $0 < tokenizer.vocabulary.count }) else {
                throw APIError.badRequest("field 'context' holds a token id outside the model's vocabulary")
            }
            var text = prompt
            if !raw {
                let format: ChatFormat = try template.map { t in
                    do { return try ChatFormat(name: "request", text: t) } catch {
                        throw APIError.badRequest("field 'template' does not parse: \(error)")
                    }
                } ?? runnable.format
                let systemText = system ?? runnable.system
                var turns: [Turn] = systemText.isEmpty ? [] : [Turn(role: "system", content: systemText)]
                if context.isEmpty { turns += runnable.history }
                turns.append(Turn(role: "user", content: prompt))
                if !suffix.isEmpty {
                    text = try format.template.execute(PromptValues(messages: [], prompt: prompt, suffix: suffix))
                } else {
                    text = try format.render(turns, think: think)
                }
            }
            var parser = ResponseParser(template: runnable.format.template, prompt: text, think: !raw && (think?.enabled ?? false), toolNames: [])
            let tokens = context.isEmpty ? tokenizer.encode(text) : context + tokenizer.encode(text, addSpecial: false)
            let created = { JSONTime.string(Date()) }
            if request.stream {
                writer.startStream(contentType: "application/x-ndjson")
                do {
                    let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { piece in
                        let out = parser.add(piece)
                        guard !out.isEmpty else { return }
                        writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())),
                                                  ("response", .string(out.content))] + thinking(out) + [("done", .bool(false))]).line)
                    }
                    writer.write(JSON.object([("model", .string(modelName)), ("created_at", .string(created())), ("response", .string("")),
                                              ("done", .bool(true)), ("done_reason", .string(result.stats.doneReason.rawValue)),
                                              ("context", .array(result.context.map { .int(Int($0)) }))] + metrics(result)).line)
                } catch {
                    writer.write(JSON.object([("error", .string("\(error)"))]).line)
                }
                writer.finish()
            } else {
                var answer = ParsedOutput()
                let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { answer += parser.add($0) }
                sendJSON(writer, .object([("model", .string(modelName)), ("created_at", .string(created())), ("response", .string(answer.content))]
                                         + thinking(answer) + [("done", .bool(true)), ("done_reason", .string(result.stats.doneReason.rawValue)),
                                          ("context", .array(result.context.map { .int(Int($0)) }))] + metrics(result)))
            }
        }
    }

    /// Ollama's `thinking` member, left out when empty.
    func thinking(_ out: ParsedOutput) -> [(String, JSON)] {
        out.thinking.isEmpty ? [] : [("thinking", .string(out.thinking))]
    }
}
