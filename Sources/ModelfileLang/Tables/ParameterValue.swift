/// A typed PARAMETER value: what Ollama stores in a model's params layer.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case float(Float)
    case bool(Bool)
    case strings([String])

    /// The text `ollama show --modelfile` prints for one value: the params layer is read back
    /// as JSON into float64s and printed with `%v` (so 1000000 shows as `1e+06`). Lists give one
    /// line per entry; this is the text of all entries joined by ", ".
    public var description: String {
        switch self {
        case .int(let i): ShowFormat.goFloat(Double(i))
        // encoding/json writes a float32 with its shortest float32 digits; the reader gets that decimal.
        case .float(let f): ShowFormat.goFloat(Double(f.description) ?? Double(f))
        case .bool(let b): b ? "true" : "false"
        case .strings(let s): s.joined(separator: ", ")
        }
    }

    /// Texts that `Parameters.parse` reads back to exactly this value, one per PARAMETER line
    /// (integers in full, floats in their shortest float32 digits).
    public var modelfileTexts: [String] {
        switch self {
        case .int(let i): [String(i)]
        case .float(let f): [f.description]
        case .bool(let b): [b ? "true" : "false"]
        case .strings(let s): s
        }
    }

    public var intValue: Int64? { if case .int(let i) = self { i } else { nil } }
    public var floatValue: Float? { if case .float(let f) = self { f } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var stringsValue: [String]? { if case .strings(let s) = self { s } else { nil } }
}

/// Why a parameter cannot be set: the message says it as Ollama would, naming the field.
public struct ParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Not one of Ollama's names.
        case unknownName
        /// The text does not parse as the parameter's type (Ollama: `invalid float value [x]`).
        case invalidValue(ParameterType)
        /// Parses, but to an infinity or NaN, which Ollama cannot write as JSON.
        case notFinite
        /// A JSON value of the wrong type (Ollama: `option "x" must be of type integer`).
        case wrongJSONType(String)
    }
    public let name: String
    public let kind: Kind
    public let description: String

    init(_ name: String, _ kind: Kind, _ message: String) {
        self.name = name
        self.kind = kind
        self.description = message
    }
}

extension Parameters {
    /// Parses one PARAMETER value as Ollama does (`api.FormatParams` on one line, then the JSON
    /// encoding of the create request). A list parameter gives a one-entry list.
    /// - Returns: the typed value, or an error naming the parameter. Deprecated names are errors
    ///   here; callers that accept them (as Ollama does, with a warning) check `deprecated` first.
    public static func parse(_ text: String, for name: String) -> Result<ParameterValue, ParameterError> {
        guard let spec = table[name] else {
            return .failure(ParameterError(name, .unknownName, "unknown parameter '\(name)'"))
        }
        func invalid() -> Result<ParameterValue, ParameterError> {
            .failure(ParameterError(name, .invalidValue(spec.type), "invalid \(spec.type.rawValue) value [\(text)] for parameter '\(name)'"))
        }
        switch spec.type {
        case .int:
            guard let v = GoSyntax.parseInt(text) else { return invalid() }
            return .success(.int(v))
        case .float:
            guard let v = GoSyntax.parseFloat32(text) else { return invalid() }
            guard v.isFinite else {
                return .failure(ParameterError(name, .notFinite, "parameter '\(name)' is \(text), which Ollama cannot store (json: unsupported value)"))
            }
            return .success(.float(v))
        case .bool:
            guard let v = GoSyntax.parseBool(text) else { return invalid() }
            return .success(.bool(v))
        case .stringList:
            return .success(.strings([text]))
        }
    }
}

/// A set of typed parameters: scalars keep their last value, lists accumulate. Appending is
/// amortized O(1), so 100k `PARAMETER stop` lines cost linear time.
public struct ParameterValues: Sendable, Equatable {
    private var scalars: [String: ParameterValue] = [:]
    private var lists: [String: [String]] = [:]

    public init() {}

    /// Sets a scalar, or appends a list's entries.
    public mutating func set(_ name: String, _ value: ParameterValue) {
        if case .strings(let entries) = value {
            lists[name, default: []].append(contentsOf: entries)
        } else {
            scalars[name] = value
        }
    }

    /// Replaces a list (or sets a scalar).
    public mutating func replace(_ name: String, _ value: ParameterValue) {
        if case .strings(let entries) = value { lists[name] = entries } else { scalars[name] = value }
    }

    /// Parses and sets `text` (see `Parameters.parse`).
    public mutating func set(_ name: String, text: String) throws(ParameterError) {
        set(name, try Parameters.parse(text, for: name).get())
    }

    /// The value set, or nil.
    public subscript(_ name: String) -> ParameterValue? {
        if let list = lists[name] { return .strings(list) }
        return scalars[name]
    }

    /// Every value, sorted by name.
    public var sorted: [(name: String, value: ParameterValue)] {
        (scalars.map { ($0.key, $0.value) } + lists.map { ($0.key, .strings($0.value)) }).sorted { $0.0 < $1.0 }
    }

    public var isEmpty: Bool { scalars.isEmpty && lists.isEmpty }

    /// `self` with `base`'s values for names `self` does not set (a build over a base model).
    public func over(_ base: ParameterValues) -> ParameterValues {
        var merged = base
        for (k, v) in scalars { merged.scalars[k] = v }
        for (k, v) in lists { merged.lists[k] = v; merged.scalars[k] = nil }
        return merged
    }

    // Typed reads with Ollama's default (docs/modelfile.md) when unset.
    public func int(_ name: String) -> Int64 { self[name]?.intValue ?? Parameters.table[name]?.ollamaDefault?.intValue ?? 0 }
    public func float(_ name: String) -> Float { self[name]?.floatValue ?? Parameters.table[name]?.ollamaDefault?.floatValue ?? 0 }
    public func strings(_ name: String) -> [String] { self[name]?.stringsValue ?? [] }
}
