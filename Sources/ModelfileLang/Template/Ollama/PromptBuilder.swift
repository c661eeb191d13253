/// An Ollama `/api/chat` request body, as far as it shapes the prompt.
public struct ChatRequest: Sendable, Hashable {
    public var messages: [ChatMessage]
    public var tools: [Tool]?
    public var think: ThinkValue?

    public init(messages: [ChatMessage], tools: [Tool]? = nil, think: ThinkValue? = nil) {
        self.messages = messages
        self.tools = tools
        self.think = think
    }

    /// Decodes the JSON body (`messages`, `tools`, `think`).
    public init(json: JSONValue) throws(RequestError) {
        guard case .object = json else { throw RequestError("the request body must be a JSON object") }
        var msgs: [ChatMessage] = []
        for m in json["messages"]?.arrayValue ?? [] { msgs.append(try ChatMessage(json: m)) }
        var tools: [Tool]?
        if let l = json["tools"]?.arrayValue {
            var ts: [Tool] = []
            for t in l { ts.append(try Tool(json: t)) }
            tools = ts
        }
        self.init(messages: msgs, tools: tools, think: try ThinkValue(json: json["think"].map(TemplateValue.init(interfaceOf:))))
    }

    /// Decodes a body already decoded into interface values (tool property order is lost).
    public init(json: TemplateValue) throws(RequestError) { try self.init(json: GoJSON.jsonValue(json) ?? .null) }
}

/// An Ollama `/api/generate` request body, as far as it shapes the prompt.
public struct GenerateRequest: Sendable, Hashable {
    public var prompt: String
    public var suffix: String
    public var system: String
    public var raw: Bool
    public var images: [String]
    /// The deprecated `context` field was sent (then the model's MESSAGEs are left out).
    public var hasContext: Bool
    public var think: ThinkValue?

    public init(prompt: String, suffix: String = "", system: String = "", raw: Bool = false, images: [String] = [],
                hasContext: Bool = false, think: ThinkValue? = nil) {
        self.prompt = prompt
        self.suffix = suffix
        self.system = system
        self.raw = raw
        self.images = images
        self.hasContext = hasContext
        self.think = think
    }

    /// Decodes the JSON body (`prompt`, `suffix`, `system`, `raw`, `images`, `context`, `think`).
    public init(json: JSONValue) throws(RequestError) { try self.init(json: TemplateValue(interfaceOf: json)) }

    /// Decodes a body already decoded into interface values.
    public init(json: TemplateValue) throws(RequestError) {
        guard case .map = json else { throw RequestError("the request body must be a JSON object") }
        var images: [String] = []
        if case .list(let l)? = json["images"] { images = l.items.compactMap(\.stringValue) }
        var raw = false
        if case .bool(let b)? = json["raw"] { raw = b }
        var hasContext = false
        if let c = json["context"], c != .null { hasContext = true }
        self.init(prompt: json["prompt"]?.stringValue ?? "", suffix: json["suffix"]?.stringValue ?? "",
                  system: json["system"]?.stringValue ?? "", raw: raw, images: images, hasContext: hasContext,
                  think: try ThinkValue(json: json["think"]))
    }
}

extension ThinkValue {
    /// Decodes `think`: absent/null gives nil; a bool; or one of the level strings.
    init?(json: TemplateValue?) throws(RequestError) {
        switch json {
        case nil, .null?: return nil
        case .bool(let b)?: self = .bool(b)
        case .string(let s)?:
            guard ["high", "medium", "low", "max"].contains(s) else {
                throw RequestError("invalid think value: \(GoQuote.quote(s)) (must be \"high\", \"medium\", \"low\", \"max\", true, or false)")
            }
            self = .level(s)
        default:
            throw RequestError("think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, or false)")
        }
    }
}

/// Ollama's context-window truncation for chat: how long a prompt may be and how to count it.
public struct ContextFit: Sendable {
    /// `num_ctx`.
    public var contextLength: Int
    /// Tokens each image costs when the model has a projector (Ollama uses 768), else 0.
    public var tokensPerImage: Int
    /// Token count of a rendered prompt.
    public var countTokens: @Sendable (String) -> Int

    public init(contextLength: Int, tokensPerImage: Int = 0, countTokens: @escaping @Sendable (String) -> Int) {
        self.contextLength = contextLength
        self.tokensPerImage = tokensPerImage
        self.countTokens = countTokens
    }
}

/// Turns a model's TEMPLATE, SYSTEM and MESSAGEs plus a request into the exact prompt text
/// Ollama would give the model (the server side of `/api/chat` and `/api/generate`).
/// Context-window truncation applies only when `chat` is given a `ContextFit`.
public struct PromptBuilder: Sendable {
    public var template: PromptTemplate
    /// The model's SYSTEM text.
    public var system: String
    /// The model's MESSAGE history.
    public var messages: [ChatMessage]

    public init(template: PromptTemplate, system: String = "", messages: [ChatMessage] = []) {
        self.template = template
        self.system = system
        self.messages = messages
    }

    /// The messages `/api/chat` renders: model MESSAGEs then the request's, with the model
    /// SYSTEM first unless the request starts with a system message; images tagged `[img-N]`.
    public func chatMessages(_ req: ChatRequest) -> [ChatMessage] { Self.tagImages(assemble(req)) }

    private func assemble(_ req: ChatRequest) -> [ChatMessage] {
        guard !req.messages.isEmpty else { return [] }
        var msgs = messages + req.messages
        if req.messages[0].role != "system" && !system.isEmpty {
            msgs.insert(ChatMessage(role: "system", content: system), at: 0)
        }
        return msgs
    }

    /// Ollama's `imageTaggedMessages`: each image adds `[img-N]` before the content, or fills
    /// the next `[img]` placeholder; N counts images across the conversation.
    public static func tagImages(_ msgs: [ChatMessage]) -> [ChatMessage] {
        var count = 0
        return msgs.map { m in
            var m = m
            var prefix = ""
            var content = m.content
            for _ in m.images {
                let tag = "[img-\(count)]"
                count += 1
                if let r = content.range(of: "[img]") {
                    content.replaceSubrange(r, with: tag)
                } else {
                    prefix += tag
                }
            }
            m.content = prefix + content
            return m
        }
    }

    /// The prompt for an `/api/chat` request (empty when it has no messages: Ollama only loads the model).
    /// - Parameter fit: when given, drop the oldest messages until the prompt fits, as Ollama does.
    public func chat(_ req: ChatRequest, fit: ContextFit? = nil) throws(TemplateError) -> String {
        let msgs = assemble(req)
        guard !msgs.isEmpty else { return "" }
        func render(_ m: [ChatMessage]) throws(TemplateError) -> String {
            try template.execute(PromptValues(messages: m, tools: req.tools, think: req.think))
        }
        // Ollama's chatPrompt: the first start index whose render fits; system messages before it stay.
        var start = 0
        var kept: [ChatMessage] = []
        if let fit {
            for i in msgs.indices {
                kept = msgs[..<i].filter { $0.role == "system" }
                let images = msgs[i...].reduce(0) { $0 + $1.images.count }
                let tokens = fit.countTokens(try render(kept + msgs[i...])) + fit.tokensPerImage * images
                if tokens <= fit.contextLength || i == msgs.count - 1 {
                    start = i
                    break
                }
            }
        }
        let tagged = Self.tagImages(Array(msgs[start...]))
        return try render(kept + tagged)
    }

    /// The prompt for an `/api/generate` request (`raw` returns the prompt untouched).
    public func generate(_ req: GenerateRequest) throws(TemplateError) -> String {
        if req.raw || req.prompt.isEmpty { return req.prompt }
        if !req.suffix.isEmpty {
            return try template.execute(PromptValues(prompt: req.prompt, suffix: req.suffix, think: req.think))
        }
        var msgs: [ChatMessage] = []
        let sys = req.system.isEmpty ? system : req.system
        if !sys.isEmpty { msgs.append(ChatMessage(role: "system", content: sys)) }
        if !req.hasContext { msgs += messages }
        msgs.append(ChatMessage(role: "user", content: req.prompt, images: req.images))
        return try template.execute(PromptValues(messages: msgs, think: req.think))
    }
}
