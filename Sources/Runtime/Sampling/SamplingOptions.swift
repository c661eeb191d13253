import ModelfileLang

/// The runtime's sampling and generation settings, typed by ModelfileLang's parameter table
/// (docs/modelfile.md), with Ollama's defaults from that table. Values are never parsed here:
/// text goes through `Parameters.parse`, JSON through `Parameters.options(fromJSON:)`.
package struct SamplingOptions: Sendable, Equatable {
    package var temperature: Float
    package var topK: Int
    package var topP: Float
    package var minP: Float
    package var typicalP: Float
    package var repeatPenalty: Float
    /// Tokens of history the penalties look at: 0 disables them, -1 means the whole context.
    package var repeatLastN: Int
    package var presencePenalty: Float
    package var frequencyPenalty: Float
    /// -1 draws a random seed.
    package var seed: Int
    /// Ollama's num_predict; `generationBudget` says what it allows.
    package var numPredict: Int
    /// At least 4, as Ollama's scheduler raises smaller values.
    package var numCtx: Int
    /// Prompt tokens kept at the front when the context overflows.
    package var numKeep: Int
    /// Generation ends before the first occurrence of any of these.
    package var stop: [String]

    /// Options from typed parameters; unset ones take Ollama's defaults.
    package init(_ values: ParameterValues = ParameterValues()) {
        // As Ollama's runner gets them: after the JSON trip (see `ParameterValue.afterJSON`).
        func int64(_ name: String) -> Int64 { ParameterValue.int(values.int(name)).afterJSON.intValue ?? 0 }
        func int(_ name: String) -> Int { Int(clamping: int64(name)) }
        temperature = values.float("temperature")
        topK = int("top_k")
        topP = values.float("top_p")
        minP = values.float("min_p")
        typicalP = values.float("typical_p")
        repeatPenalty = values.float("repeat_penalty")
        repeatLastN = int("repeat_last_n")
        presencePenalty = values.float("presence_penalty")
        frequencyPenalty = values.float("frequency_penalty")
        seed = int("seed")
        numPredict = int("num_predict")
        numCtx = Parameters.effectiveContext(numCtx: int64("num_ctx"))
        numKeep = int("num_keep")
        stop = values.strings("stop")
    }

    /// Every parameter name the runtime uses; the others are accepted and ignored.
    package static let names = ["temperature", "top_k", "top_p", "min_p", "typical_p", "repeat_penalty", "repeat_last_n",
                               "presence_penalty", "frequency_penalty", "seed", "num_predict", "num_ctx", "num_keep", "stop"]

    /// Sets one parameter from its text form (`/set parameter`, `--param`) through the one table;
    /// `stop` appends to the list. A known parameter the runtime does not use is checked, then ignored.
    /// - Throws: `SamplingOptionError` with the table's message for an unknown name or a bad value.
    package mutating func set(_ name: String, to text: String) throws(SamplingOptionError) {
        let value: ParameterValue
        switch Parameters.parse(text, for: name) {
        case .success(let v): value = v
        case .failure(let e): throw SamplingOptionError(e.description)
        }
        var values = ParameterValues()
        for (n, v) in listingValues where n != name || n == "stop" { values.replace(n, v) }
        values.set(name, value)
        self = SamplingOptions(values)
    }

    /// These options with `values` in place of the same-named ones (a request's `options` over a
    /// model's parameters: a request's `stop` replaces the model's list, as in Ollama).
    package func overlaid(with values: ParameterValues) -> SamplingOptions {
        var merged = ParameterValues()
        for (name, value) in listingValues { merged.replace(name, value) }
        for (name, value) in values.sorted { merged.replace(name, value) }
        return SamplingOptions(merged)
    }

    /// The options as typed values (every runtime parameter set).
    var listingValues: [(String, ParameterValue)] {
        [("temperature", .float(temperature)), ("top_k", .int(Int64(topK))), ("top_p", .float(topP)), ("min_p", .float(minP)),
         ("typical_p", .float(typicalP)), ("repeat_penalty", .float(repeatPenalty)), ("repeat_last_n", .int(Int64(repeatLastN))),
         ("presence_penalty", .float(presencePenalty)), ("frequency_penalty", .float(frequencyPenalty)), ("seed", .int(Int64(seed))),
         ("num_predict", .int(Int64(numPredict))), ("num_ctx", .int(Int64(numCtx))), ("num_keep", .int(Int64(numKeep))),
         ("stop", .strings(stop))]
    }

    /// The parameters as `name value` lines, in `names` order (stop once per entry).
    package var listing: [(name: String, value: String)] {
        listingValues.flatMap { name, value in value.modelfileTexts.map { (name, $0) } }
    }
}

/// A runtime parameter that cannot be set.
package struct SamplingOptionError: Error, Sendable, CustomStringConvertible {
    package let message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}
