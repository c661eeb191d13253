import Foundation
import HTTPServer
import ModelfileLang
import Runtime

/// POST /v1/chat/completions and /v1/completions.
extension APIServer {
    func openAIChat(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        var request = CompletionRequest(model: try body.modelName())
        request.options = try openAIOptions(body)
        try CompletionRequest.checkOptions(request.options)
        request.stream = try body.bool("stream") ?? false
        request.grammar = try openAIFormat(body).requestGrammar()
        let includeUsage = try body.object("stream_options")?.bool("include_usage") ?? false
        let turns = try openAITurns(body, model: request.model)
        guard !turns.isEmpty else { throw APIError.badRequest("field 'messages' must hold at least one message") }
        let tools = try chatTools(body)
        let (think, toolNames) = try checkCapabilities(request.model, think: try openAIThink(body), tools: tools)
        let id = completionID("chatcmpl-")
        let modelName = request.model
        let created = JSON.int(Int(Date().timeIntervalSince1970))

        try withModel(request, writer) { lease in
            let options = try RequestOptions.apply(request.options, to: lease.runnable.options)
            let prompt = try chatPrompt(turns, lease: lease, options: options, tools: tools, think: think)
            var parser = ResponseParser(template: lease.runnable.format.template, prompt: prompt.text, think: think?.enabled ?? false,
                                        toolNames: toolNames)
            func chunk(_ choices: JSON, usage: JSON? = nil) -> [UInt8] {
                var fields: [(String, JSON)] = [("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", created),
                                                ("model", .string(modelName)), ("system_fingerprint", .string("fp_ollama")), ("choices", choices)]
                if let usage { fields.append(("usage", usage)) }
                return Array("data: ".utf8) + JSON.object(fields).bytes + [10, 10]
            }
            if request.stream {
                writer.startStream(contentType: "text/event-stream")
                var first = true, calledTools = false
                func send(_ out: ParsedOutput) {
                    // Reasoning and content or calls of one piece go in two chunks, as Ollama sends them.
                    let parts = !out.thinking.isEmpty && (!out.content.isEmpty || !out.calls.isEmpty)
                        ? [ParsedOutput(thinking: out.thinking), ParsedOutput(content: out.content, calls: out.calls)] : [out]
                    for part in parts {
                        var delta: [(String, JSON)] = []
                        if first { delta.append(("role", .string("assistant"))); first = false }
                        delta.append(("content", .string(part.content)))
                        if !part.thinking.isEmpty { delta.append(("reasoning", .string(part.thinking))) }
                        if !part.calls.isEmpty { delta.append(("tool_calls", openAIToolCalls(part.calls))); calledTools = true }
                        writer.write(chunk(.array([.object([("index", .int(0)), ("delta", .object(delta)), ("finish_reason", .null)])])))
                    }
                }
                do {
                    let result = try complete(request, lease: lease, prompt: prompt.tokens, options: options, writer: writer) { piece in
                        let out = parser.add(piece)
                        if !out.isEmpty { send(out) }
                    }
                    if !parser.remainder.isEmpty { send(parser.remainder) }
                    writer.write(chunk(.array([.object([("index", .int(0)), ("delta", .object([])),
                                                        ("finish_reason", finishReason(result.stats, calledTools: calledTools))])])))
                    if includeUsage { writer.write(chunk(.array([]), usage: usage(result))) }
                } catch {
                    writer.write(Array("data: ".utf8) + JSON.object([("error", .object([("message", .string("\(error)")),
                                                                                         ("type", .string("api_error"))]))]).bytes + [10, 10])
                }
                writer.write(Array("data: [DONE]\n\n".utf8))
                writer.finish()
            } else {
                var answer = ParsedOutput()
                let result = try complete(request, lease: lease, prompt: prompt.tokens, options: options, writer: writer) { answer += parser.add($0) }
                answer += parser.remainder
                var message: [(String, JSON)] = [("role", .string("assistant")), ("content", .string(answer.content))]
                if !answer.thinking.isEmpty { message.append(("reasoning", .string(answer.thinking))) }
                if !answer.calls.isEmpty { message.append(("tool_calls", openAIToolCalls(answer.calls))) }
                sendJSON(writer, .object([
                    ("id", .string(id)), ("object", .string("chat.completion")), ("created", created), ("model", .string(modelName)),
                    ("system_fingerprint", .string("fp_ollama")),
                    ("choices", .array([.object([("index", .int(0)), ("message", .object(message)),
                                                 ("finish_reason", finishReason(result.stats, calledTools: !answer.calls.isEmpty))])])),
                    ("usage", usage(result)),
                ]))
            }
        }
    }

    func openAICompletion(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        var request = CompletionRequest(model: try body.modelName())
        request.options = try openAIOptions(body)
        try CompletionRequest.checkOptions(request.options)
        request.stream = try body.bool("stream") ?? false
        let includeUsage = try body.object("stream_options")?.bool("include_usage") ?? false
        let prompt: String
        switch body.value["prompt"] {
        case .string(let s)?: prompt = s
        case .array(let items)? where items.count == 1 && items[0].stringValue != nil: prompt = items[0].stringValue ?? ""
        default: throw APIError.badRequest("field 'prompt' must be a string")
        }
        let suffix = try body.string("suffix") ?? ""
        let id = completionID("cmpl-")
        let modelName = request.model
        let created = JSON.int(Int(Date().timeIntervalSince1970))

        try withModel(request, writer) { lease in
            let options = try RequestOptions.apply(request.options, to: lease.runnable.options)
            // Ollama's completions endpoint is /api/generate with raw false: the prompt goes through the template.
            var turns: [Turn] = lease.runnable.system.isEmpty ? [] : [Turn(role: "system", content: lease.runnable.system)]
            turns.append(Turn(role: "user", content: prompt))
            _ = suffix
            let tokens = lease.tokenizer.encode(try lease.runnable.format.render(turns))
            func body(_ text: String, _ reason: JSON, usage: JSON? = nil) -> JSON {
                var fields: [(String, JSON)] = [("id", .string(id)), ("object", .string("text_completion")), ("created", created),
                                                ("model", .string(modelName)), ("system_fingerprint", .string("fp_ollama")),
                                                ("choices", .array([.object([("text", .string(text)), ("index", .int(0)), ("finish_reason", reason)])]))]
                if let usage { fields.append(("usage", usage)) }
                return .object(fields)
            }
            if request.stream {
                writer.startStream(contentType: "text/event-stream")
                do {
                    let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { piece in
                        writer.write(Array("data: ".utf8) + body(piece, .null).bytes + [10, 10])
                    }
                    writer.write(Array("data: ".utf8) + body("", finishReason(result.stats)).bytes + [10, 10])
                    if includeUsage {
                        let usageChunk = JSON.object([("id", .string(id)), ("object", .string("text_completion")), ("created", created),
                                                      ("model", .string(modelName)), ("system_fingerprint", .string("fp_ollama")),
                                                      ("choices", .array([])), ("usage", usage(result))])
                        writer.write(Array("data: ".utf8) + usageChunk.bytes + [10, 10])
                    }
                } catch {
                    writer.write(Array("data: ".utf8) + JSON.object([("error", .object([("message", .string("\(error)"))]))]).bytes + [10, 10])
                }
                writer.write(Array("data: [DONE]\n\n".utf8))
                writer.finish()
            } else {
                let result = try complete(request, lease: lease, prompt: tokens, options: options, writer: writer) { _ in }
                sendJSON(writer, body(result.text, finishReason(result.stats), usage: usage(result)))
            }
        }
    }
}
