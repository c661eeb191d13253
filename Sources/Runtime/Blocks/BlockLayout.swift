// Byte offsets inside ggml's quantized blocks (ggml-common.h; docs/gguf.md).
// Every block is little-endian and packed; `d`, `m`, `dmin` are f16 unless noted.

/// Field offsets of each supported block type, so readers never hard-code them twice.
enum BlockLayout {
    /// Q4_0 (18 B): d, qs[16].
    enum Q4_0 { static let d = 0, qs = 2 }
    /// Q4_1 (20 B): d, m, qs[16].
    enum Q4_1 { static let d = 0, m = 2, qs = 4 }
    /// Q5_0 (22 B): d, qh[4], qs[16].
    enum Q5_0 { static let d = 0, qh = 2, qs = 6 }
    /// Q5_1 (24 B): d, m, qh[4], qs[16].
    enum Q5_1 { static let d = 0, m = 2, qh = 4, qs = 8 }
    /// Q8_0 (34 B): d, qs[32] (i8).
    enum Q8_0 { static let d = 0, qs = 2 }
    /// Q8_1 (36 B): d, s = d·Σqs, qs[32] (i8).
    enum Q8_1 { static let d = 0, s = 2, qs = 4 }
    /// Q2_K (84 B): scales[16] (scale | min<<4), qs[64], d, dmin.
    enum Q2_K { static let scales = 0, qs = 16, d = 80, dmin = 82 }
    /// Q3_K (110 B): hmask[32], qs[64], scales[12] (packed 6-bit), d.
    enum Q3_K { static let hmask = 0, qs = 32, scales = 96, d = 108 }
    /// Q4_K (144 B): d, dmin, scales[12] (packed 6-bit scale/min pairs), qs[128].
    enum Q4_K { static let d = 0, dmin = 2, scales = 4, qs = 16 }
    /// Q5_K (176 B): d, dmin, scales[12], qh[32], qs[128].
    enum Q5_K { static let d = 0, dmin = 2, scales = 4, qh = 16, qs = 48 }
    /// Q6_K (210 B): ql[128], qh[64], scales[16] (i8), d.
    enum Q6_K { static let ql = 0, qh = 128, scales = 192, d = 208 }
    /// Q8_K (292 B): d (f32), qs[256] (i8), bsums[16] (i16).
    enum Q8_K { static let d = 0, qs = 4, bsums = 260 }
}

/// Unpacks the 6-bit (scale, min) pair `k` (0..<8) of Q4_K/Q5_K from its 12 packed bytes.
@inline(__always)
func kQuantScaleMin(_ b: UnsafeRawPointer, _ k: Int) -> (scale: UInt8, min: UInt8) {
    let byte = { (i: Int) in b.load(fromByteOffset: i, as: UInt8.self) }
    if k < 4 { return (byte(k) & 63, byte(k + 4) & 63) }
    return ((byte(k + 4) & 15) | ((byte(k - 4) >> 6) << 4), (byte(k + 4) >> 4) | ((byte(k) >> 6) << 4))
}

/// Unpacks the signed 6-bit scale `s` (0..<16) of Q3_K from its 12 packed bytes.
@inline(__always)
func q3KScale(_ b: UnsafeRawPointer, _ s: Int) -> Int32 {
    let byte = { (i: Int) in b.load(fromByteOffset: i, as: UInt8.self) }
    let low = s < 8 ? byte(s) & 15 : byte(s - 8) >> 4
    let high = (byte(8 + s % 4) >> (2 * (s / 4))) & 3
    return Int32(low | high << 4) - 32
}
