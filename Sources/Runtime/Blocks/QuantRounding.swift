// The integer conversions ggml's quantizers rely on, reproduced so results are bit-identical
// and so that NaN or huge inputs (untrusted files) give garbage bytes instead of a trap.

/// ggml's `nearest_int`: round half to even through the 1.5·2^23 magic constant.
/// Exact for |x| ≤ 2^22; outside that range it returns the same garbage ggml does, never traps.
@inline(__always)
func nearestInt(_ x: Float) -> Int32 {
    let shifted = x + 12_582_912
    return Int32(bitPattern: shifted.bitPattern & 0x007F_FFFF) &- 0x0040_0000
}

/// C's float-to-int conversion as x86-64 performs it (`cvttss2si`): truncation toward zero,
/// and INT_MIN for NaN or out-of-range values instead of a trap.
@inline(__always)
func truncatingToInt32(_ x: Float) -> Int32 {
    guard x > -2_147_483_904, x < 2_147_483_648 else { return Int32.min }  // NaN fails both
    return Int32(x)
}

/// `truncatingToInt32(roundf(x))` without calling roundf, which baseline x86-64 code (no SSE4.1) does:
/// truncate, then step away from zero when the dropped part is at least one half (exact below 2^23,
/// where the subtraction is exact; larger floats are integers already). NaN, infinities and values out of
/// range give INT_MIN as before.
@inline(__always)
func roundedAwayFromZero(_ x: Float) -> Int32 {
    let t = truncatingToInt32(x)
    if t == Int32.min { return t }
    let rest = x - Float(t)
    return rest >= 0.5 ? t &+ 1 : (rest <= -0.5 ? t &- 1 : t)
}

/// Writes `value` as a little-endian UInt16 at `offset` (ggml blocks are packed, so unaligned).
@inline(__always)
func storeHalf(_ value: Float, _ base: UnsafeMutableRawPointer, _ offset: Int) {
    base.storeBytes(of: floatToHalf(value).littleEndian, toByteOffset: offset, as: UInt16.self)
}

/// Reads the f16 at `offset` back as a Float.
@inline(__always)
func loadHalf(_ base: UnsafeMutableRawPointer, _ offset: Int) -> Float {
    halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
}
