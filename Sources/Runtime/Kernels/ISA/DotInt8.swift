import KernelInterface

// Fused dot for rows in the int8 layout (Q8_0, Q5_x and the k-quants, see WeightMatrix) against q8
// activations: Σ_groups scale_w·d_x·Σ(q_w·q_x) + min_w·Σx.
// One 64-byte load holds 64 weights; even and odd bytes are sign-extended into i16 lanes with an
// xor/subtract (no 32-lane shifts, which Swift does not vectorize) and multiplied by the activation
// planes; two products of ≤ 128·127 fit in i16.

/// The i32 partial sums (2 elements per lane) of one 64-weight chunk against one token's planes.
@inline(__always)
private func int8Chunk(_ even: SIMD32<Int16>, _ odd: SIMD32<Int16>, _ x: UnsafeRawPointer) -> SIMD16<Int32> {
    pairSum32(even &* x.load(as: SIMD32<Int16>.self) &+ odd &* x.load(fromByteOffset: 64, as: SIMD32<Int16>.self))
}

/// Dots weight row `row` with `tokens` (1...4) prepared inputs starting at token `first`; writes out[t·outStride].
@inline(__always)
func dotInt8(_ w: MatrixView, row: Int, group: Int, hasMin: Bool, _ input: InputView, first: Int, tokens: Int,
             _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let wq = w.base + row * w.rowStride
    let groups = w.paddedColumns / group
    let ws = wq + w.scalesOffset
    let bytes = SIMD16<UInt32>(repeating: 0x00FF_00FF), signBits = SIMD16<UInt32>(repeating: 0x0080_0080)
    let bias = SIMD32<Int16>(repeating: 128)
    let x0 = UnsafeRawPointer(input.token(first))
    let stride = input.tokenStride
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
    let planes = input.int8PlanesOffset, scales = input.scalesOffset
    for c in 0..<w.chunks {
        let v = wq.loadUnaligned(fromByteOffset: 64 * c, as: SIMD16<UInt32>.self)
        let even = asInt16x32((v & bytes) ^ signBits) &- bias
        let odd = asInt16x32(((v &>> 8) & bytes) ^ signBits) &- bias
        // Per-lane weight scale: 8 lanes per group of 32, or 4 lanes per group of 16.
        let wscale: SIMD16<Float>
        if group == 32 && !hasMin {
            let h = ws.loadUnaligned(fromByteOffset: 4 * c, as: UInt32.self)   // two f16 scales
            wscale = spreadBy8(Float(Float16(bitPattern: UInt16(truncatingIfNeeded: h))),
                               Float(Float16(bitPattern: UInt16(truncatingIfNeeded: h >> 16))))
        } else if group == 32 {
            let s = ws.loadUnaligned(fromByteOffset: 8 * c, as: SIMD2<Float>.self)
            wscale = spreadBy8(s[0], s[1])
        } else {
            wscale = spreadBy4(ws.loadUnaligned(fromByteOffset: 16 * c, as: SIMD4<Float>.self))
        }
        @inline(__always) func step(_ x: UnsafeRawPointer, _ acc: inout SIMD16<Float>) {
            let i = int8Chunk(even, odd, x + planes + 128 * c)
            let dx = x.loadUnaligned(fromByteOffset: scales + 8 * c, as: SIMD2<Float>.self)
            acc = multiplyAdd(acc, int32ToFloat(i), wscale * spreadBy8(dx[0], dx[1]))
        }
        step(x0, &acc0)
        if tokens > 1 { step(x0 + stride, &acc1) }
        if tokens > 2 { step(x0 + 2 * stride, &acc2) }
        if tokens > 3 { step(x0 + 3 * stride, &acc3) }
    }
    var result: (Float, Float, Float, Float) = (horizontalSum(acc0), 0, 0, 0)
    if tokens > 1 { result.1 = horizontalSum(acc1) }
    if tokens > 2 { result.2 = horizontalSum(acc2) }
    if tokens > 3 { result.3 = horizontalSum(acc3) }
    if hasMin {
        let mins = (ws + 4 * groups).assumingMemoryBound(to: Float.self)
        let sumsOffset = group == 32 ? input.sums32Offset : input.sums16Offset
        result.0 += dotFloats(mins, (x0 + sumsOffset).assumingMemoryBound(to: Float.self), groups)
        if tokens > 1 { result.1 += dotFloats(mins, (x0 + stride + sumsOffset).assumingMemoryBound(to: Float.self), groups) }
        if tokens > 2 { result.2 += dotFloats(mins, (x0 + 2 * stride + sumsOffset).assumingMemoryBound(to: Float.self), groups) }
        if tokens > 3 { result.3 += dotFloats(mins, (x0 + 3 * stride + sumsOffset).assumingMemoryBound(to: Float.self), groups) }
    }
    out[0] = result.0
    if tokens > 1 { out[outStride] = result.1 }
    if tokens > 2 { out[2 * outStride] = result.2 }
    if tokens > 3 { out[3 * outStride] = result.3 }
}
