// The one set of scalar conversions for the 16-bit float formats in GGUF (f16 block scales, F16/BF16
// tensors), done on bits so they never call the soft-float helpers a default x86-64 build emits for
// `Float16(x)` (about 3 ns per element), and round exactly like ggml.

/// Converts a Float to IEEE binary16 bits, rounding to nearest even like ggml's
/// `GGML_FP32_TO_FP16`; NaN becomes the quiet NaN 0x7E00 with the input's sign.
@inline(__always)
package func floatToHalf(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let magnitude = bits & 0x7FFF_FFFF
    if magnitude > 0x7F80_0000 { return sign | 0x7E00 }              // NaN
    if magnitude >= 0x4780_0000 {                                      // ≥ 65536: overflows even after rounding
        return sign | 0x7C00
    }
    if magnitude >= 0x3880_0000 {                                      // normal in binary16 (≥ 2^-14)
        // Rebias the exponent (127 → 15) and round the 13 dropped mantissa bits to nearest even.
        let rebased = magnitude &- 0x3800_0000
        let halfMinusOne: UInt32 = 0x0FFF
        let lsb = (rebased >> 13) & 1
        let rounded = (rebased &+ halfMinusOne &+ lsb) >> 13
        return sign | UInt16(truncatingIfNeeded: rounded)              // a carry into the exponent is correct
    }
    if magnitude < 0x3300_0000 { return sign }                         // < 2^-25: rounds to ±0
    // Subnormal in binary16: value = m · 2^-24 with m < 1024.
    let exponent = Int(magnitude >> 23)                                // 102 ... 112
    let mantissa = (magnitude & 0x007F_FFFF) | 0x0080_0000             // 24-bit significand
    let shift = UInt32(126 - exponent)                                 // bits to drop: 14 ... 24
    let kept = mantissa >> shift
    let remainder = mantissa & ((1 << shift) - 1)
    let half: UInt32 = 1 << (shift - 1)
    let roundUp = remainder > half || (remainder == half && (kept & 1) == 1)
    return sign | UInt16(truncatingIfNeeded: kept + (roundUp ? 1 : 0))
}

/// Converts IEEE binary16 bits to Float (exact).
@inline(__always)
package func halfToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x03FF)
    if exponent == 0x1F {                                              // inf / NaN
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {                                                 // zero / subnormal: m · 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// Converts a Float to bfloat16 bits, rounding to nearest even like ggml's `GGML_FP32_TO_BF16`
/// (NaN is kept and forced quiet).
@inline(__always)
package func floatToBFloat16(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if bits & 0x7FFF_FFFF > 0x7F80_0000 {
        return UInt16(truncatingIfNeeded: bits >> 16) | 64
    }
    return UInt16(truncatingIfNeeded: (bits &+ (0x7FFF &+ ((bits >> 16) & 1))) >> 16)
}

/// Converts bfloat16 bits to Float (exact).
@inline(__always)
package func bfloat16ToFloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

extension UnsafeRawPointer {
    /// The f16 at `offset` as a Float.
    @inline(__always)
    func half(at offset: Int) -> Float {
        halfToFloat(loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
