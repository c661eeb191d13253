// The quantized block formats the quantizer kernels write (ggml's, bit for bit; docs/gguf.md).

/// A ggml block format with a quantizer.
package enum BlockFormat: Sendable, CaseIterable {
    case q4_0, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K

    /// Values per block.
    package var elements: Int {
        switch self {
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K: 256
        }
    }

    /// Bytes per block.
    package var bytes: Int {
        switch self {
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q2_K: 84
        case .q3_K: 110
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        }
    }
}
