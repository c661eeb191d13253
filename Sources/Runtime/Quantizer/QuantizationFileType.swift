// The file types `mfc build --quantize` accepts (llama.cpp's llama_ftype), with the value written to
// `general.file_type` and the tensor type most tensors get.

/// A whole-model quantization target such as Q4_K_M.
package enum QuantizationFileType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16"
    case q4_0 = "Q4_0", q4_1 = "Q4_1", q5_0 = "Q5_0", q5_1 = "Q5_1", q8_0 = "Q8_0"
    case q2_K = "Q2_K", q3_K_S = "Q3_K_S", q3_K_M = "Q3_K_M", q3_K_L = "Q3_K_L"
    case q4_K_S = "Q4_K_S", q4_K_M = "Q4_K_M", q5_K_S = "Q5_K_S", q5_K_M = "Q5_K_M", q6_K = "Q6_K"

    /// Parses a name case-insensitively ("q4_k_m", "Q4_K_M"); "Q3_K", "Q4_K" and "Q5_K" mean the _M
    /// variants, as in llama-quantize and Ollama.
    package init?(name: String) {
        let upper = name.uppercased()
        let aliases = ["Q3_K": "Q3_K_M", "Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M"]
        guard let match = QuantizationFileType(rawValue: aliases[upper] ?? upper) else { return nil }
        self = match
    }

    /// The `general.file_type` value (docs/gguf.md).
    package var fileTypeValue: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .q5_0: 8
        case .q5_1: 9
        case .q2_K: 10
        case .q3_K_S: 11
        case .q3_K_M: 12
        case .q3_K_L: 13
        case .q4_K_S: 14
        case .q4_K_M: 15
        case .q5_K_S: 16
        case .q5_K_M: 17
        case .q6_K: 18
        case .bf16: 32
        }
    }

    /// The tensor type of every quantizable tensor the mixture rules leave alone.
    package var defaultTensorType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q5_1: .q5_1
        case .q8_0: .q8_0
        case .q2_K: .q2_K
        case .q3_K_S, .q3_K_M, .q3_K_L: .q3_K
        case .q4_K_S, .q4_K_M: .q4_K
        case .q5_K_S, .q5_K_M: .q5_K
        case .q6_K: .q6_K
        }
    }

    /// True for the block-quantized targets (the mixture rules apply only to those).
    package var isQuantized: Bool { defaultTensorType.blockSize > 1 }
}
