#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// glibc's expf, 16 lanes at a time, for the softmax of decode attention: llama.cpp calls libm's scalar expf
// once per key and head, so matching it bit for bit means matching glibc. glibc (2.27 on) computes expf in
// double: k = round(x·32/ln 2), r = x·32/ln 2 − k, e^x = 2^(k/32) · (1 + C2·r + C1·r² + C0·r³) with 2^(k/32)
// from a 32-entry table, and on a CPU with FMA and AVX2 its ifunc picks a build where the compiler fused
// x·32/ln 2 + shift, x·32/ln 2 − k and the polynomial's steps (read from the machine's libm.so.6 with
// objdump). Only the variants with FMA use this (the portable one calls expf: without FMA, glibc's build
// rounds differently); `groupedAttentionEqualsPerHead` holds it to the per-head kernel, which calls expf.

/// e^x per lane, bit-identical to glibc's expf on a CPU with FMA: 0 below −0x1.9fe368p6 (and for −inf),
/// +inf above 0x1.62e42ep6, NaN for NaN.
@inline(__always)
func libmExpf(_ x: SIMD16<Float>, table: UnsafeRawPointer) -> SIMD16<Float> {
    var out = SIMD16<Float>()
    var low = SIMD8<Float>(), high = SIMD8<Float>()
    for i in 0..<8 { low[i] = x[i]; high[i] = x[i + 8] }
    let a = libmExpf8(low, table), b = libmExpf8(high, table)
    for i in 0..<8 { out[i] = a[i]; out[i + 8] = b[i] }
    let underflow = x .< -0x1.9fe368p6, overflow = x .> 0x1.62e42ep6
    out.replace(with: 0, where: underflow)
    out.replace(with: .infinity, where: overflow)
    return out.replacing(with: x, where: x .!= x)
}

/// The main path of glibc's expf for 8 lanes (inputs clamped to where it applies; the caller fixes the rest).
@inline(__always)
private func libmExpf8(_ x: SIMD8<Float>, _ table: UnsafeRawPointer) -> SIMD8<Float> {
    var xd = SIMD8<Double>()
    for i in 0..<8 { xd[i] = Double(x[i]) }
    xd = xd.replacing(with: -104, where: .!(xd .>= -104)).replacing(with: 89, where: xd .> 89)   // −inf, NaN and overflow: fixed later
    let invLn2N = SIMD8<Double>(repeating: 0x1.71547652b82fep+5), shift = SIMD8<Double>(repeating: 0x1.8p52)
    let shifted = shift.addingProduct(invLn2N, xd)                 // fused, as glibc's FMA build
    let ki = unsafeBitCast(shifted, to: SIMD8<UInt64>.self)
    let kd = shifted - shift
    let r = (-kd).addingProduct(invLn2N, xd)                      // x·32/ln 2 − k, fused
    var t = SIMD8<UInt64>()
    for i in 0..<8 { t[i] = table.load(fromByteOffset: 8 * Int(ki[i] & 31), as: UInt64.self) }
    let s = unsafeBitCast(t &+ (ki &<< 47), to: SIMD8<Double>.self)
    let z = SIMD8<Double>(repeating: 0x1.ebfce50fac4f3p-13).addingProduct(SIMD8(repeating: 0x1.c6af84b912394p-20), r)
    let r2 = r * r
    var y = SIMD8<Double>(repeating: 1).addingProduct(SIMD8(repeating: 0x1.62e42ff0c52d6p-6), r)
    y = y.addingProduct(z, r2)
    y = y * s
    var out = SIMD8<Float>()
    for i in 0..<8 { out[i] = Float(y[i]) }
    return out
}

/// Writes `libmExpf`'s table (32 values) to `table`, once per kernel call: read by lane from memory (a `switch`
/// over the index compiles to branches per lane, and a vector constant is rebuilt on the stack per call).
@inline(__always)
func writeExpTable(_ table: UnsafeMutableRawPointer) {
    let bits = exp2Table
    for i in 0..<32 { table.storeBytes(of: bits[i], toByteOffset: 8 * i, as: UInt64.self) }
}

/// Bits of 2^(i/32) minus i·2^47 for i < 32 (glibc's `__exp2f_data.tab`, so that adding k·2^47 scales by
/// 2^(k/32)).
@inline(__always)
private var exp2Table: SIMD32<UInt64> {
    SIMD32(
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540
    )
}
