import Foundation

/// Ollama's runtime parameters, with Ollama's defaults (`DefaultOptions` in Ollama's api/types.go; where
/// spec/modelfile.md §4 says repeat_penalty 1.0, Ollama's code says 1.1, and that is followed here).
package struct SamplingOptions: Sendable, Equatable {
    package var temperature: Float = 0.8
    package var topK = 40
    package var topP: Float = 0.9
    package var minP: Float = 0
    package var typicalP: Float = 1
    package var repeatPenalty: Float = 1.1
    /// Tokens of history the penalties look at: 0 disables them, -1 means the whole context.
    package var repeatLastN = 64
    package var presencePenalty: Float = 0
    package var frequencyPenalty: Float = 0
    /// -1 draws a random seed.
    package var seed = -1
    /// -1 means no limit.
    package var numPredict = -1
    package var numCtx = 4096
    /// Prompt tokens kept at the front when the context overflows.
    package var numKeep = 4
    /// Generation ends before the first occurrence of any of these.
    package var stop: [String] = []

    package init() {}

    /// Every parameter name `set(_:to:)` accepts.
    package static let names = ["temperature", "top_k", "top_p", "min_p", "typical_p", "repeat_penalty", "repeat_last_n",
                               "presence_penalty", "frequency_penalty", "seed", "num_predict", "num_ctx", "num_keep", "stop"]

    /// Sets one parameter from its text form (`/set parameter`, `--param`, Modelfile PARAMETER).
    /// `stop` appends to the list.
    /// - Throws: `SamplingOptionError` for an unknown name or a value of the wrong type or range.
    package mutating func set(_ name: String, to text: String) throws(SamplingOptionError) {
        func float() throws(SamplingOptionError) -> Float {
            guard let v = Float(text.trimmingCharacters(in: .whitespaces)), v.isFinite else { throw .init("\(name) needs a number, got '\(text)'") }
            return v
        }
        func int() throws(SamplingOptionError) -> Int {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else { throw .init("\(name) needs an integer, got '\(text)'") }
            return v
        }
        switch name {
        case "temperature": temperature = try float()
        case "top_k": topK = try int()
        case "top_p": topP = try float()
        case "min_p": minP = try float()
        case "typical_p": typicalP = try float()
        case "repeat_penalty": repeatPenalty = try float()
        case "repeat_last_n": repeatLastN = try int()
        case "presence_penalty": presencePenalty = try float()
        case "frequency_penalty": frequencyPenalty = try float()
        case "seed": seed = try int()
        case "num_predict": numPredict = try int()
        case "num_ctx":
            numCtx = try int()
            guard numCtx > 0 else { throw .init("num_ctx must be positive, got \(numCtx)") }
        case "num_keep": numKeep = try int()
        case "stop": stop.append(text)
        default: throw .init("unknown parameter '\(name)'")
        }
    }

    /// The parameters as `name value` lines, in `names` order (stop once per entry).
    package var listing: [(name: String, value: String)] {
        var rows: [(String, String)] = [
            ("temperature", "\(temperature)"), ("top_k", "\(topK)"), ("top_p", "\(topP)"), ("min_p", "\(minP)"),
            ("typical_p", "\(typicalP)"), ("repeat_penalty", "\(repeatPenalty)"), ("repeat_last_n", "\(repeatLastN)"),
            ("presence_penalty", "\(presencePenalty)"), ("frequency_penalty", "\(frequencyPenalty)"), ("seed", "\(seed)"),
            ("num_predict", "\(numPredict)"), ("num_ctx", "\(numCtx)"), ("num_keep", "\(numKeep)"),
        ]
        rows += stop.map { ("stop", $0) }
        return rows
    }
}

/// A runtime parameter that cannot be set.
package struct SamplingOptionError: Error, Sendable, CustomStringConvertible {
    package let message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}
