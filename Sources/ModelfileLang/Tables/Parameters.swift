/// The value type of a PARAMETER, as Ollama's `api.FormatParams` parses it (docs/modelfile.md).
public enum ParameterType: String, Sendable, Hashable {
    /// `strconv.ParseInt(s, 10, 64)`.
    case int
    /// `strconv.ParseFloat(s, 32)`.
    case float
    /// `strconv.ParseBool`.
    case bool
    /// `[]string`: each `PARAMETER` line appends one entry.
    case stringList = "string list"
}

/// One known PARAMETER: its type, the range of values that make sense and Ollama's default.
public struct ParameterSpec: Sendable {
    public let name: String
    public let type: ParameterType
    /// Values outside are accepted by Ollama but are almost surely mistakes (warning MF1004).
    public let minimum: Double?
    public let maximum: Double?
    /// The value Ollama uses when nothing sets it (`api.DefaultOptions`); nil when Ollama leaves it
    /// unset and the runner decides.
    public let ollamaDefault: ParameterValue?
    /// What the parameter does, for messages.
    public let summary: String

    init(_ name: String, _ type: ParameterType, min: Double? = nil, max: Double? = nil, default value: ParameterValue?, _ summary: String) {
        self.name = name
        self.type = type
        self.minimum = min
        self.maximum = max
        self.ollamaDefault = value
        self.summary = summary
    }

    /// True when the parameter keeps only its last value.
    public var isSingleValued: Bool { type != .stringList }

    /// Whether a valid value lies in the sensible range (lists always do).
    public func isInRange(_ value: ParameterValue) -> Bool {
        let number: Double
        switch value {
        case .int(let i): number = Double(i)
        case .float(let f): number = Double(f)
        case .bool, .strings: return true
        }
        return !(minimum.map { number < $0 } ?? false) && !(maximum.map { number > $0 } ?? false)
    }
}

/// The PARAMETER names Ollama knows: the JSON tags of `api.Options` and `api.Runner`, with the
/// defaults of `api.DefaultOptions` on Ollama's main branch. docs/modelfile.md has the same table
/// with notes.
public enum Parameters {
    /// Every known parameter, in the order of Ollama's `Options` struct.
    public static let specs: [ParameterSpec] = [
        ParameterSpec("num_keep", .int, min: -1, default: .int(4), "tokens kept when the context shifts (-1: all)"),
        ParameterSpec("seed", .int, default: .int(-1), "random seed (-1: random)"),
        ParameterSpec("num_predict", .int, min: -1, default: .int(-1),
                      "tokens to generate (negative: until a stop, at most 10 x num_ctx; 0: no limit)"),
        ParameterSpec("top_k", .int, min: 0, default: .int(40), "sample from the k most likely tokens (0: off)"),
        ParameterSpec("top_p", .float, min: 0, max: 1, default: .float(0.9), "nucleus sampling probability mass"),
        ParameterSpec("min_p", .float, min: 0, max: 1, default: .float(0), "minimum probability relative to the most likely token"),
        ParameterSpec("typical_p", .float, min: 0, max: 1, default: .float(1), "locally typical sampling mass"),
        ParameterSpec("repeat_last_n", .int, min: -1, default: .int(64), "tokens considered for repeat penalties (0: off, -1: num_ctx)"),
        ParameterSpec("temperature", .float, min: 0, default: .float(0.8), "sampling temperature"),
        ParameterSpec("repeat_penalty", .float, min: 0, default: .float(1), "penalty for repeated tokens (1: off)"),
        ParameterSpec("presence_penalty", .float, default: .float(0), "penalty for tokens already present"),
        ParameterSpec("frequency_penalty", .float, default: .float(0), "penalty by token frequency"),
        ParameterSpec("stop", .stringList, default: nil, "stop sequence (one per line; they accumulate)"),
        ParameterSpec("num_ctx", .int, min: 4, default: .int(4096), "context window in tokens (below 4: Ollama uses 4)"),
        ParameterSpec("num_batch", .int, min: 1, default: .int(512), "prompt tokens per batch"),
        ParameterSpec("num_gpu", .int, min: -1, default: .int(-1), "layers to offload to the GPU (-1: automatic)"),
        ParameterSpec("main_gpu", .int, min: 0, default: nil, "GPU for small tensors"),
        ParameterSpec("use_mmap", .bool, default: nil, "map the model file into memory"),
        ParameterSpec("num_thread", .int, min: 0, default: .int(0), "CPU threads (0: automatic)"),
        ParameterSpec("draft_num_predict", .int, min: 0, default: .int(4), "speculative tokens per step (0: off)"),
    ]

    /// The specs by name.
    public static let table: [String: ParameterSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })

    /// Accepted by Ollama with `warning: parameter <name> is deprecated`, then dropped.
    public static let deprecated: Set<String> = [
        "penalize_newline", "low_vram", "f16_kv", "logits_all", "vocab_only", "use_mlock",
        "mirostat", "mirostat_tau", "mirostat_eta",
    ]

    /// Names people bring from the OpenAI API (and other servers) that Ollama spells differently.
    public static let foreignNames: [String: String] = [
        "max_tokens": "num_predict", "max_completion_tokens": "num_predict", "max_new_tokens": "num_predict",
        "max_output_tokens": "num_predict", "n_predict": "num_predict", "stop_sequences": "stop",
        "stop_words": "stop", "context_length": "num_ctx", "context_window": "num_ctx", "n_ctx": "num_ctx",
        "max_context_length": "num_ctx", "repetition_penalty": "repeat_penalty", "topk": "top_k", "topp": "top_p",
        "random_seed": "seed", "threads": "num_thread", "n_threads": "num_thread",
    ]

    /// Known names sorted, for suggestions and messages.
    public static let names: [String] = table.keys.sorted()
}

extension Parameters {
    /// The context window Ollama runs with for `num_ctx`: its scheduler raises values below 4 to
    /// 4, and the runner lowers values above the model's trained context to that.
    public static func effectiveContext(numCtx: Int64, trainedContext: Int = 0) -> Int {
        let n = Int(clamping: max(4, numCtx))
        return trainedContext > 0 ? min(n, trainedContext) : n
    }

    /// How many tokens a generation may produce under `num_predict`, as Ollama's main branch
    /// bounds it before calling its runner (`boundedNumPredict`): any negative value means
    /// "until a stop", capped at 10 x the context; a positive value is capped the same way;
    /// 0 is not sent at all, so the runner applies no limit (nil).
    public static func generationBudget(numPredict: Int, contextLength: Int) -> Int? {
        if numPredict == 0 { return nil }
        let limit = 10 * max(1, contextLength)
        return numPredict < 0 || numPredict > limit ? limit : numPredict
    }
}
