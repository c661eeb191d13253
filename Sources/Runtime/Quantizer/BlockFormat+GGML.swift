import KernelInterface

extension BlockFormat {
    /// The block format of a ggml type, or nil for the float encodings and types without a quantizer.
    init?(_ type: GGMLType) {
        switch type {
        case .q4_0: self = .q4_0
        case .q4_1: self = .q4_1
        case .q5_0: self = .q5_0
        case .q5_1: self = .q5_1
        case .q8_0: self = .q8_0
        case .q2_K: self = .q2_K
        case .q3_K: self = .q3_K
        case .q4_K: self = .q4_K
        case .q5_K: self = .q5_K
        case .q6_K: self = .q6_K
        default: return nil
        }
    }
}
