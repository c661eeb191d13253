// Typed, range-checked reads of `<arch>.*` metadata for LlamaConfig. Every failure names the key and
// what is wrong with it ("llama.attention.head_count is 0"), so a bad file is refused at load (and at
// build time, which runs the same check) instead of crashing or computing NaN later.

/// Reads the keys under one architecture's prefix.
struct ArchitectureKeys {
    let gguf: GGUFFile
    let architecture: String

    /// Integers that size buffers stay below 2^31, so products of two never overflow.
    static let largestDimension = Int(Int32.max)

    func name(_ suffix: String) -> String { "\(architecture).\(suffix)" }

    /// A required integer in `range`.
    func integer(_ suffix: String, in range: ClosedRange<Int>) throws(ModelError) -> Int {
        guard let value = gguf.archValue(suffix) else { throw ModelError(description: "\(name(suffix)) is missing") }
        return try checked(suffix, value, in: range)
    }

    /// An optional integer in `range`, `fallback` when the key is absent.
    func integer(_ suffix: String, in range: ClosedRange<Int>, default fallback: Int) throws(ModelError) -> Int {
        guard let value = gguf.archValue(suffix) else { return fallback }
        return try checked(suffix, value, in: range)
    }

    /// An optional float, `fallback` when absent; it must be finite and pass `valid` (described by `expected`).
    func float(_ suffix: String, default fallback: Float, expected: String = "a positive number",
               _ valid: (Float) -> Bool = { $0 > 0 }) throws(ModelError) -> Float {
        guard let value = gguf.archValue(suffix) else { return fallback }
        guard let number = value.double else {
            throw ModelError(description: "\(name(suffix)) is \(Self.kind(of: value)), expected a number")
        }
        let float = Float(number)
        guard float.isFinite, valid(float) else { throw ModelError(description: "\(name(suffix)) is \(number), expected \(expected)") }
        return float
    }

    /// An optional string.
    func string(_ suffix: String) throws(ModelError) -> String? {
        guard let value = gguf.archValue(suffix) else { return nil }
        guard let s = value.string else { throw ModelError(description: "\(name(suffix)) is \(Self.kind(of: value)), expected a string") }
        return s
    }

    private func checked(_ suffix: String, _ value: GGUFValue, in range: ClosedRange<Int>) throws(ModelError) -> Int {
        guard let n = value.int else {
            if case .uint64(let big) = value { throw ModelError(description: "\(name(suffix)) is \(big), which is too large") }
            throw ModelError(description: "\(name(suffix)) is \(Self.kind(of: value)), expected an integer")
        }
        guard range.contains(n) else {
            let expected = range.upperBound == Self.largestDimension ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw ModelError(description: "\(name(suffix)) is \(n), expected \(expected)")
        }
        return n
    }

    /// "a string", "an array", "a bool" for messages about a value of the wrong type.
    static func kind(of value: GGUFValue) -> String {
        switch value {
        case .string: "a string"
        case .array: "an array"
        case .bool: "a bool"
        case .float32, .float64: "a float"
        default: "an integer"
        }
    }
}
