// ggml's vectorized exp (`ggml_v_expf`, AVX-512 variant), reproduced operation for operation so that
// softmax and SiLU round exactly like llama.cpp's CPU backend, which uses it for both. A polynomial
// around 2^n with at most ~1.5 ulp error; |x| too large flushes to 0 or +inf as ggml does.

/// e^x for 16 lanes, bit-identical to ggml's AVX-512 `ggml_v_expf` where the target has FMA
/// (`multiplyAdd`; the portable variant rounds each multiply-add twice).
@inline(__always)
func approximateExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let shifter = SIMD16<Float>(repeating: 0x1.8p23)
    let z = multiplyAdd(shifter, x, SIMD16(repeating: 0x1.715476p+0))     // x·log2(e) rounded into the low bits
    let n = z - shifter                                                    // round(x·log2(e)), exact
    let b = multiplyAdd(multiplyAdd(x, -n, SIMD16(repeating: 0x1.62e4p-1)), -n, SIMD16(repeating: 0x1.7f7d1cp-20))             // x − n·ln2 in two steps
    let u = b * b
    let high = multiplyAdd(multiplyAdd(SIMD16(repeating: 0x1.fffdb6p-2), SIMD16(repeating: 0x1.555e66p-3), b),
                           multiplyAdd(SIMD16(repeating: 0x1.573e2ep-5), SIMD16(repeating: 0x1.0e4020p-7), b), u)
    let j = multiplyAdd(multiplyAdd(SIMD16(repeating: 1), SIMD16(repeating: 0x1.ffffecp-1), b), high, u)
    // scalef(j, n) = j·2^n rounded once: split n so both powers of two are normal floats.
    let ni = unsafeBitCast(z, to: SIMD16<Int32>.self) &- 0x4B40_0000       // n as an integer (|n| < 2^22)
    let big = ni .> 126, small = ni .< -126
    let first = ni.replacing(with: 127, where: big).replacing(with: ni &+ 100, where: small)
    let second = SIMD16<Int32>(repeating: 0).replacing(with: ni &- 127, where: big).replacing(with: -100, where: small)
    let scaled = j * powerOfTwo(first) * powerOfTwo(second)
    // |n| > 192 (and ±inf): ggml returns 0 below and +inf above.
    let out = magnitude(n) .> 192
    guard anyLane(out) else { return scaled }
    let flushed = SIMD16<Float>(repeating: 0).replacing(with: .infinity, where: n .> 0)
    return scaled.replacing(with: flushed, where: out)
}

/// 2^e for exponents in the normal range −126...127.
@inline(__always)
private func powerOfTwo(_ e: SIMD16<Int32>) -> SIMD16<Float> {
    unsafeBitCast((e &+ 127) &<< 23, to: SIMD16<Float>.self)
}

/// Lane-wise |x|.
@inline(__always)
private func magnitude(_ x: SIMD16<Float>) -> SIMD16<Float> {
    unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
}
