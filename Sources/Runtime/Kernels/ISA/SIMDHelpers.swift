// Small SIMD idioms that compile to single instructions under `-Xcc -march=x86-64-v4`
// (docs/kernels.md says why the generic forms are avoided).
// Every helper is inlined: an out-of-line copy could be shared with another ISA variant by the linker.

/// Reinterprets 16 × u32 as 32 × i16 (no instructions).
@inline(__always)
func asInt16x32(_ v: SIMD16<UInt32>) -> SIMD32<Int16> { unsafeBitCast(v, to: SIMD32<Int16>.self) }

/// Int32 lanes to Float lanes; the manual loop becomes one vcvtdq2ps (the generic init is called out of line).
@inline(__always)
func int32ToFloat(_ a: SIMD16<Int32>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = Float(a[i]) }
    return r
}

/// f16 bits (low 16 bits of each lane) to Float, without F16C; finite for every input, exact for finite halves.
@inline(__always)
func halfBitsToFloat(_ h: SIMD4<UInt32>) -> SIMD4<Float> {
    let magnitude = unsafeBitCast((h & 0x7FFF) &<< 13, to: SIMD4<Float>.self) * 0x1p112
    return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD4<UInt32>.self) | ((h & 0x8000) &<< 16), to: SIMD4<Float>.self)
}

/// Lane i of the result is `v[i / 4]`.
@inline(__always)
func spreadBy4(_ v: SIMD4<Float>) -> SIMD16<Float> {
    SIMD16(v[0], v[0], v[0], v[0], v[1], v[1], v[1], v[1], v[2], v[2], v[2], v[2], v[3], v[3], v[3], v[3])
}

/// Lanes 0-7 are `a`, lanes 8-15 are `b`.
@inline(__always)
func spreadBy8(_ a: Float, _ b: Float) -> SIMD16<Float> {
    SIMD16(lowHalf: SIMD8(repeating: a), highHalf: SIMD8(repeating: b))
}

/// Adds the two i16 halves of each i32 lane (exact while the sum fits in i16).
@inline(__always)
func pairSum16(_ s: SIMD32<Int16>) -> SIMD16<Int32> {
    let q = unsafeBitCast(s, to: SIMD16<Int32>.self)
    return (q &+ (q &<< 16)) &>> 16
}

/// Adds the two i16 halves of each i32 lane into a full i32 (no overflow for any inputs).
@inline(__always)
func pairSum32(_ s: SIMD32<Int16>) -> SIMD16<Int32> {
    let q = unsafeBitCast(s, to: SIMD16<Int32>.self)
    return ((q &<< 16) &>> 16) &+ (q &>> 16)
}

/// 16 bytes at `p` (8 i16) repeated 4 times: one block's activation plane for the 4 rows of a row group.
@inline(__always)
func repeated4(_ p: UnsafeRawPointer) -> SIMD32<Int16> {
    let h = p.loadUnaligned(as: SIMD8<Int16>.self)
    let q = SIMD16(lowHalf: h, highHalf: h)
    return SIMD32(lowHalf: q, highHalf: q)
}

/// ggml's `hsum_float_8` of each of 4 rows whose 8 lane accumulators sit in row groups: lanes 0-3 of row r
/// in `lo[4r..<4r+4]`, lanes 4-7 in `hi`: ((acc_0+acc_4) + (acc_2+acc_6)) + ((acc_1+acc_5) + (acc_3+acc_7)).
@inline(__always)
func rowTotals(_ lo: SIMD16<Float>, _ hi: SIMD16<Float>) -> SIMD4<Float> {
    let r = lo + hi   // lane 4r+i: acc_i + acc_(i+4) of row r
    let even = SIMD4(r[0], r[4], r[8], r[12]) + SIMD4(r[2], r[6], r[10], r[14])
    let odd = SIMD4(r[1], r[5], r[9], r[13]) + SIMD4(r[3], r[7], r[11], r[15])
    return even + odd
}

/// Writes the first `rows` (1...4) lanes of `v` to `out`.
@inline(__always)
func storeRows(_ v: SIMD4<Float>, rows: Int, _ out: UnsafeMutablePointer<Float>) {
    if rows == 4 { UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD4<Float>.self) } else { for i in 0..<rows { out[i] = v[i] } }
}

/// Horizontal sum by halving (inlined; `SIMD.sum()` is an out-of-line generic with a serial chain).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let a = v.lowHalf + v.highHalf
    let b = a.lowHalf + a.highHalf
    return (b[0] + b[2]) + (b[1] + b[3])
}

/// Horizontal sum of 4 lanes.
@inline(__always)
func horizontalSum(_ v: SIMD4<Float>) -> Float { (v[0] + v[2]) + (v[1] + v[3]) }

// acc + a·b. Fused where the target has FMA (`-DISA_FMA`); on baseline x86-64 `addingProduct` would call
// fmaf once per lane, so the portable variant multiplies and adds (one more rounding per step).
// Concrete overloads, not one generic: the unspecialized body of a generic helper calls shared stdlib
// witness-table accessors, which the linker would merge across the variants.
#if ISA_FMA
@inline(__always) func multiplyAdd(_ acc: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { acc.addingProduct(a, b) }
@inline(__always) func multiplyAdd(_ acc: SIMD4<Float>, _ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { acc.addingProduct(a, b) }
#else
@inline(__always) func multiplyAdd(_ acc: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { acc + a * b }
@inline(__always) func multiplyAdd(_ acc: SIMD4<Float>, _ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { acc + a * b }
#endif

/// The largest lane, by halving (`SIMD.max()` is emitted as an out-of-line specialization).
@inline(__always)
func horizontalMax(_ v: SIMD16<UInt32>) -> UInt32 {
    let a = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
    let b = a.lowHalf.replacing(with: a.highHalf, where: a.highHalf .> a.lowHalf)
    let c = b.lowHalf.replacing(with: b.highHalf, where: b.highHalf .> b.lowHalf)
    return max(c[0], c[1])
}

/// The wrapping sum of the lanes, by halving (`SIMD.wrappedSum()` is emitted as an out-of-line specialization).
@inline(__always)
func horizontalSum(_ v: SIMD16<Int32>) -> Int32 {
    let a = v.lowHalf &+ v.highHalf
    let b = a.lowHalf &+ a.highHalf
    return (b[0] &+ b[2]) &+ (b[1] &+ b[3])
}

/// The largest lane of floats without NaN (the order of comparisons does not matter then).
@inline(__always)
func horizontalMax(_ v: SIMD16<Float>) -> Float {
    var m = v[0]
    for i in 1..<16 { m = max(m, v[i]) }
    return m
}

/// Whether any lane of the mask is set (`any(_:)` calls an out-of-line `SIMD.min()` specialization).
@inline(__always)
func anyLane(_ mask: SIMDMask<SIMD16<Int32>>) -> Bool {
    horizontalMax(SIMD16<UInt32>(repeating: 0).replacing(with: 1, where: mask)) != 0
}
