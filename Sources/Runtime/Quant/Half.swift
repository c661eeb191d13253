// Scalar conversions for the 16-bit float formats in GGUF blocks (f16 scales, F16/BF16 tensors).

/// IEEE binary16 bits to Float (exact, including subnormals, infinities and NaN).
@inline(__always)
func halfToFloat(_ bits: UInt16) -> Float {
    Float(Float16(bitPattern: bits))
}

/// Float to IEEE binary16 bits, rounding to nearest even (as ggml's `GGML_FP32_TO_FP16`).
@inline(__always)
func floatToHalf(_ value: Float) -> UInt16 {
    Float16(value).bitPattern
}

/// bfloat16 bits to Float: the top half of a binary32.
@inline(__always)
func bfloat16ToFloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

extension UnsafeRawPointer {
    /// The f16 at `offset` as a Float.
    @inline(__always)
    func half(at offset: Int) -> Float {
        halfToFloat(loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
}
