import Foundation

/// The user scales of a model's ADAPTER layers, from `--lora-scale` or MFC_LORA_SCALE: one value for
/// every adapter, or one per ADAPTER line in order. The scale multiplies alpha/r; 0 turns an adapter off.
package struct LoRAScales: Equatable, Sendable {
    package var values: [Float] = []

    package init() {}

    /// Parses "S" or "S1,S2,..."; nil or empty means 1 for every adapter.
    package init(parsing text: String?) throws(LoRAScaleError) {
        guard let text, !text.isEmpty else { return }
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Float(part.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw LoRAScaleError("--lora-scale (or MFC_LORA_SCALE) needs numbers separated by commas, got '\(text)'")
            }
            values.append(v)
        }
    }

    /// The scale of adapter `index` of `count`.
    package func scale(of index: Int, count: Int) throws(LoRAScaleError) -> Float {
        switch values.count {
        case 0: return 1
        case 1: return values[0]
        case count: return values[index]
        default: throw LoRAScaleError("--lora-scale lists \(values.count) scales but the model has \(count) adapters")
        }
    }
}

/// A `--lora-scale` value that does not parse or does not match the model's adapters.
package struct LoRAScaleError: Error, Sendable, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
