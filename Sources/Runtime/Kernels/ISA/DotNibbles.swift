import KernelInterface

// Fused dequantize-and-dot for Q4_0/Q4_1 rows in the nibble layout against q8 activations
// (ggml's vec_dot_q4_1_q8_1): Σ_blocks d_w·d_x·Σ(n·q) + m_w·s_x.
// One 64-byte load holds 4 blocks; masks split it into 4 nibble planes of i16 lanes that multiply
// the matching activation planes (`PreparedBatch` nibble planes). 4 products of ≤ 15·127 fit in i16.

/// The i32 partial sums (4 lanes per block) of one 64-byte nibble chunk against one token's planes.
@inline(__always)
private func nibbleChunk(_ n0: SIMD32<Int16>, _ n1: SIMD32<Int16>, _ n2: SIMD32<Int16>, _ n3: SIMD32<Int16>,
                         _ x: UnsafeRawPointer) -> SIMD16<Int32> {
    let s = n0 &* x.load(as: SIMD32<Int16>.self)
        &+ n1 &* x.load(fromByteOffset: 64, as: SIMD32<Int16>.self)
        &+ n2 &* x.load(fromByteOffset: 128, as: SIMD32<Int16>.self)
        &+ n3 &* x.load(fromByteOffset: 192, as: SIMD32<Int16>.self)
    return pairSum16(s)
}

/// Dots weight row `row` with `tokens` (1...4) prepared inputs starting at token `first`; writes out[t·outStride].
@inline(__always)
func dotNibbles(_ w: MatrixView, row: Int, q8_1Sums: Bool, _ input: InputView, first: Int, tokens: Int,
                _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let wq = w.base + row * w.rowStride
    let ws = wq + w.scalesOffset
    let chunks = w.chunks
    let mask = SIMD16<UInt32>(repeating: 0x000F_000F)
    let x0 = UnsafeRawPointer(input.token(first))
    let stride = input.tokenStride
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
    var min0 = SIMD4<Float>(), min1 = SIMD4<Float>(), min2 = SIMD4<Float>(), min3 = SIMD4<Float>()
    let planes = input.nibblePlanesOffset, scales = input.scalesOffset
    // Q4_1 pairs with ggml's q8_1 `s` (f16-rounded); Q4_0 (m = −8d) with q8_0, whose sum is exact.
    let sums = q8_1Sums ? input.sumsOffset : input.sums32Offset
    for c in 0..<chunks {
        let v = wq.loadUnaligned(fromByteOffset: 64 * c, as: SIMD16<UInt32>.self)
        let n0 = asInt16x32(v & mask), n1 = asInt16x32((v &>> 8) & mask)
        let n2 = asInt16x32((v &>> 4) & mask), n3 = asInt16x32((v &>> 12) & mask)
        let dm = ws.loadUnaligned(fromByteOffset: 16 * c, as: SIMD4<UInt32>.self)
        let dw = halfBitsToFloat(dm & 0xFFFF), mw = halfBitsToFloat(dm &>> 16)
        // Token t: integer chunk sums, scaled per block, plus the min term m_w·s_x.
        @inline(__always) func step(_ x: UnsafeRawPointer, _ acc: inout SIMD16<Float>, _ mins: inout SIMD4<Float>) {
            let i = nibbleChunk(n0, n1, n2, n3, x + planes + 256 * c)
            let dx = x.load(fromByteOffset: scales + 16 * c, as: SIMD4<Float>.self)
            acc = multiplyAdd(acc, int32ToFloat(i), spreadBy4(dw * dx))
            mins = multiplyAdd(mins, mw, x.load(fromByteOffset: sums + 16 * c, as: SIMD4<Float>.self))
        }
        step(x0, &acc0, &min0)
        if tokens > 1 { step(x0 + stride, &acc1, &min1) }
        if tokens > 2 { step(x0 + 2 * stride, &acc2, &min2) }
        if tokens > 3 { step(x0 + 3 * stride, &acc3, &min3) }
    }
    out[0] = horizontalSum(acc0) + horizontalSum(min0)
    if tokens > 1 { out[outStride] = horizontalSum(acc1) + horizontalSum(min1) }
    if tokens > 2 { out[2 * outStride] = horizontalSum(acc2) + horizontalSum(min2) }
    if tokens > 3 { out[3 * outStride] = horizontalSum(acc3) + horizontalSum(min3) }
}
