import Foundation

/// GELU (tanh approximation) of every f16 value, rounded to f16 and stored as Float (ggml_table_gelu_f16).
final class GeluTable: @unchecked Sendable {
    let values: UnsafeMutablePointer<Float>
    init() {
        values = .allocate(capacity: 1 << 16)
        let c: Float = 0.797_884_560_802_865_4   // sqrt(2/π)
        for bits in 0..<(1 << 16) {
            let x = Float(Float16(bitPattern: UInt16(bits)))
            let gelu = 0.5 * x * (1 + tanhf(c * x * (1 + 0.044715 * x * x)))
            values[bits] = Float(Float16(gelu))
        }
    }
    deinit { values.deallocate() }
}
