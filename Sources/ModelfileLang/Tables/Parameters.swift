/// The value type of a PARAMETER, as Ollama's `api.FormatParams` parses it.
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

/// One known PARAMETER: its type and the range of values that make sense.
public struct ParameterSpec: Sendable {
    public var type: ParameterType
    /// Values outside are accepted by Ollama but are almost surely mistakes (warning MF1004).
    public var minimum: Double?
    public var maximum: Double?
    /// What the parameter does, for messages.
    public var summary: String

    init(_ type: ParameterType, min: Double? = nil, max: Double? = nil, _ summary: String) {
        self.type = type
        self.minimum = min
        self.maximum = max
        self.summary = summary
    }

    /// True when the parameter keeps only its last value.
    public var isSingleValued: Bool { type != .stringList }
}

/// The PARAMETER names Ollama knows: the JSON tags of `api.Options` and `api.Runner`.
public enum Parameters {
    public static let table: [String: ParameterSpec] = [
        "num_ctx": ParameterSpec(.int, min: 0, "context window in tokens (0: server default)"),
        "num_batch": ParameterSpec(.int, min: 1, "prompt tokens per batch"),
        "num_gpu": ParameterSpec(.int, min: -1, "layers to offload to the GPU (-1: automatic)"),
        "main_gpu": ParameterSpec(.int, min: 0, "GPU for small tensors"),
        "use_mmap": ParameterSpec(.bool, "map the model file into memory"),
        "num_thread": ParameterSpec(.int, min: 0, "CPU threads (0: automatic)"),
        "draft_num_predict": ParameterSpec(.int, min: 0, "speculative tokens per step (0: off)"),
        "num_keep": ParameterSpec(.int, min: -1, "tokens kept when the context shifts"),
        "seed": ParameterSpec(.int, "random seed (-1: random)"),
        "num_predict": ParameterSpec(.int, min: -2, "tokens to generate (-1: no limit, -2: fill the context)"),
        "top_k": ParameterSpec(.int, min: 0, "sample from the k most likely tokens (0: off)"),
        "top_p": ParameterSpec(.float, min: 0, max: 1, "nucleus sampling probability mass"),
        "min_p": ParameterSpec(.float, min: 0, max: 1, "minimum probability relative to the most likely token"),
        "typical_p": ParameterSpec(.float, min: 0, max: 1, "locally typical sampling mass"),
        "repeat_last_n": ParameterSpec(.int, min: -1, "tokens considered for repeat penalties (-1: num_ctx)"),
        "temperature": ParameterSpec(.float, min: 0, "sampling temperature"),
        "repeat_penalty": ParameterSpec(.float, min: 0, "penalty for repeated tokens"),
        "presence_penalty": ParameterSpec(.float, "penalty for tokens already present"),
        "frequency_penalty": ParameterSpec(.float, "penalty by token frequency"),
        "stop": ParameterSpec(.stringList, "stop sequence (one per line; they accumulate)"),
    ]

    /// Accepted by Ollama with `warning: parameter <name> is deprecated`, then dropped.
    public static let deprecated: Set<String> = [
        "penalize_newline", "low_vram", "f16_kv", "logits_all", "vocab_only", "use_mlock",
        "mirostat", "mirostat_tau", "mirostat_eta",
    ]

    /// Known names sorted, for suggestions and messages.
    public static let names: [String] = table.keys.sorted()
}
