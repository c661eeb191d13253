/// One JSON value as Go's `encoding/json` decodes it into `any`: every number is a float64.
/// Convert your JSON type into this to call `Parameters.options(fromJSON:)`.
public enum GoJSONAny: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number (`1`, `1.5`, `1e3`): Go holds it as float64.
    case number(Double)
    case string(String)
    case array([GoJSONAny])
    case object
}

/// The outcome of `Parameters.options(fromJSON:)`.
public struct ParsedOptions: Sendable, Equatable {
    public var values: ParameterValues
    /// Keys Ollama skips with the log line `invalid option provided` (unknown or deprecated names).
    public var ignored: [String]
}

extension Parameters {
    /// Types an `options` object of Ollama's HTTP API (or a stored params layer) the way Ollama's
    /// `api.Options.FromMap` does, so `mfc serve`, `mfc run` and the build share one verdict:
    ///
    /// - unknown keys are skipped (listed in `ignored`), `null` values are skipped;
    /// - int fields take any number, truncated toward zero as Go's `int64(f)` does (a float64
    ///   outside the Int64 range gives Int64.min, as on x86-64);
    /// - float fields take any number, rounded to float32; one that overflows float32 is an error
    ///   (Ollama cannot send the infinity on to its runner);
    /// - bool fields take only `true`/`false`, `stop` only an array of strings.
    ///
    /// Example: `Parameters.options(fromJSON: [("temperature", .number(0.2)), ("stop", .array([.string("\n")]))])`.
    /// - Parameter object: the object's members in order.
    /// - Returns: the typed values and the skipped keys.
    /// - Throws: `ParameterError` naming the field, with Ollama's message
    ///   (`option "top_k" must be of type integer`).
    public static func options(fromJSON object: [(key: String, value: GoJSONAny)]) throws(ParameterError) -> ParsedOptions {
        var result = ParsedOptions(values: ParameterValues(), ignored: [])
        for (key, value) in object {
            guard let spec = table[key] else { result.ignored.append(key); continue }
            if value == .null { continue }
            result.values.set(key, try typed(value, spec))
        }
        return result
    }

    static func typed(_ value: GoJSONAny, _ spec: ParameterSpec) throws(ParameterError) -> ParameterValue {
        let key = spec.name
        func wrong(_ type: String) -> ParameterError {
            ParameterError(key, .wrongJSONType(type), "option \"\(key)\" must be of type \(type)")
        }
        switch spec.type {
        case .int:
            guard case .number(let d) = value else { throw wrong("integer") }
            return .int(goInt64(d))
        case .float:
            guard case .number(let d) = value else { throw wrong("float32") }
            let f = Float(d)
            guard f.isFinite else {
                throw ParameterError(key, .notFinite, "option \"\(key)\" is \(ShowFormat.goFloat(d)), which overflows float32 (json: unsupported value: \(f < 0 ? "-" : "+")Inf)")
            }
            return .float(f)
        case .bool:
            guard case .bool(let b) = value else { throw wrong("boolean") }
            return .bool(b)
        case .stringList:
            guard case .array(let items) = value else { throw wrong("array") }
            var strings: [String] = []
            strings.reserveCapacity(items.count)
            for item in items {
                guard case .string(let s) = item else { throw ParameterError(key, .wrongJSONType("array of strings"), "option \"\(key)\" must be of an array of strings") }
                strings.append(s)
            }
            return .strings(strings)
        }
    }

    /// Go's `int64(f)` on x86-64: truncation toward zero; NaN and values outside the range give Int64.min.
    static func goInt64(_ d: Double) -> Int64 {
        guard d.isFinite, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return Int64.min }
        return Int64(d.rounded(.towardZero))
    }
}
