import Foundation
import ModelfileLang
import Runtime

/// OpenAI request fields mapped to Ollama's, as Ollama's OpenAI layer maps them.
extension APIServer {
    /// The `options` object Ollama builds from an OpenAI request: stop, max_tokens → num_predict,
    /// temperature (default 1), seed, penalties, top_p (default 1).
    func openAIOptions(_ body: RequestBody) throws(APIError) -> RequestBody {
        var options: [(String, JSON)] = []
        if body.has("stop") {
            options.append(("stop", .array((try body.strings("stop") ?? []).map { .string($0) })))
        }
        var maxTokens = try body.int("max_completion_tokens")
        if maxTokens == nil { maxTokens = try body.int("max_tokens") }
        if let n = maxTokens { options.append(("num_predict", .int(Int(n)))) }
        options.append(("temperature", .float64(try body.double("temperature") ?? 1.0)))
        if let seed = try body.int("seed") { options.append(("seed", .int(Int(seed)))) }
        if let f = try body.double("frequency_penalty") { options.append(("frequency_penalty", .float64(f))) }
        if let p = try body.double("presence_penalty") { options.append(("presence_penalty", .float64(p))) }
        let topP = try body.double("top_p") ?? 0
        options.append(("top_p", .float64(topP == 0 ? 1.0 : topP)))
        return RequestBody(object: .object(options), prefix: "")
    }

    /// `response_format`: text, json_object (one JSON object) or json_schema (its `schema`).
    func openAIFormat(_ body: RequestBody) throws(APIError) -> OutputFormat {
        guard let format = try body.object("response_format") else { return .text }
        switch try format.string("type") {
        case nil, "text"?: return .text
        case "json_object"?: return .json
        case "json_schema"?:
            guard let spec = try format.object("json_schema") else {
                throw .badRequest("field 'response_format.json_schema' is required for type json_schema")
            }
            switch spec.value["schema"] {
            case .object(let members)?: return .schema(.object(members))
            case nil, .null?: return .json   // a name without a schema: any JSON object
            default: throw .badRequest("field 'response_format.json_schema.schema' must be an object")
            }
        case let other?: throw .badRequest("field 'response_format.type' must be text, json_object or json_schema, got '\(other)'")
        }
    }

    /// A chat message's content: a string, or an array of parts of which text parts are joined.
    func openAIContent(_ message: RequestBody, model: String) throws(APIError) -> String {
        switch message.value["content"] {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case .array(let parts)?:
            var text = ""
            for (i, part) in parts.enumerated() {
                let p = RequestBody(object: part, prefix: "\(message.prefix)content[\(i)].")
                guard part.objectValue != nil else { throw .badRequest("field '\(message.prefix)content[\(i)]' must be an object") }
                switch try p.string("type") {
                case "text"?: text += try p.string("text") ?? ""
                case "image_url"?: throw .badRequest("model '\(model)' does not support images: it is a text-only model")
                default: throw .badRequest("field '\(p.prefix)type' must be text")
                }
            }
            return text
        default: throw .badRequest("field '\(message.prefix)content' must be a string or an array of content parts")
        }
    }

    /// A chat completion id in OpenAI's style.
    func completionID(_ prefix: String) -> String { prefix + String(UInt32.random(in: 0...999_999)) }

    /// `length`, or `stop` (`tool_calls` when the answer called tools).
    func finishReason(_ stats: GenerationStats, calledTools: Bool = false) -> JSON {
        .string(stats.doneReason == .length ? "length" : calledTools ? "tool_calls" : "stop")
    }

    /// The chat messages as turns: `developer` is `system`; an assistant's `tool_calls` carry their
    /// arguments as JSON text, a tool result's tool is its `name` or the call its `tool_call_id` answers.
    func openAITurns(_ body: RequestBody, model: String) throws(APIError) -> [Turn] {
        var turns: [Turn] = []
        for m in try body.objects("messages") ?? [] {
            var role = (try m.string("role") ?? "").lowercased()
            if role == "developer" { role = "system" }
            guard ["system", "user", "assistant", "tool"].contains(role) else {
                throw APIError.badRequest("field '\(m.prefix)role' must be system, developer, user, assistant or tool, got '\(role)'")
            }
            var turn = Turn(role: role, content: try openAIContent(m, model: model), thinking: try m.string("reasoning") ?? "",
                            toolCallID: try m.string("tool_call_id") ?? "")
            for (i, call) in (try m.objects("tool_calls") ?? []).enumerated() {
                let function = try call.object("function")
                var arguments = JSONValue.object([])
                if let text = try function?.string("arguments") {
                    guard let parsed = try? JSONValue.parse(text), parsed.objectValue != nil else {
                        throw APIError.badRequest("field '\(call.prefix)function.arguments' must hold a JSON object")
                    }
                    arguments = parsed
                }
                turn.toolCalls.append(ToolCall(id: try call.string("id") ?? "", index: i, name: try function?.string("name") ?? "",
                                               arguments: TemplateValue(interfaceOf: arguments)))
            }
            if role == "tool" {
                turn.toolName = try m.string("name") ?? ""
                if turn.toolName.isEmpty {
                    turn.toolName = turns.last { $0.toolCalls.contains { $0.id == turn.toolCallID } }?
                        .toolCalls.last { $0.id == turn.toolCallID }?.name ?? ""
                }
            }
            turns.append(turn)
        }
        return turns
    }

    /// `reasoning_effort` (or `reasoning.effort`) as Ollama's `think`: none is off, minimal is low,
    /// and efforts above high are its highest level.
    func openAIThink(_ body: RequestBody) throws(APIError) -> ThinkValue? {
        var effort = try body.object("reasoning")?.string("effort")
        if effort == nil { effort = try body.string("reasoning_effort") }
        switch effort {
        case nil, ""?: return nil
        case "none"?: return .bool(false)
        case "minimal"?: return .level("low")
        case let e? where ["low", "medium", "high", "max"].contains(e): return .level(e)
        case "xhigh"?, "ultra"?: return .level("max")
        case let e?: throw APIError.badRequest("invalid reasoning value: \"\(e)\" (must be \"minimal\", \"low\", \"medium\", \"high\", \"xhigh\", \"ultra\", \"max\", or \"none\")")
        }
    }

    /// OpenAI's tool calls: the arguments as JSON text.
    func openAIToolCalls(_ calls: [ParsedToolCall]) -> JSON {
        .array(calls.map { call in
            .object([("id", .string(toolCallID())), ("index", .int(call.index)), ("type", .string("function")),
                     ("function", .object([("name", .string(call.name)),
                                           ("arguments", .string(String(decoding: call.arguments.bytes, as: UTF8.self)))]))])
        })
    }

    func usage(_ r: CompletionResult) -> JSON {
        .object([("prompt_tokens", .int(Int(r.stats.promptTokens))), ("completion_tokens", .int(Int(r.stats.generatedTokens))),
                 ("total_tokens", .int(Int(r.stats.promptTokens + r.stats.generatedTokens)))])
    }
}
