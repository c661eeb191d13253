import KernelInterface

// Fused dequantize-and-dot for Q4_0/Q4_1/Q5_0 against q8 activations, rounding exactly like ggml's AVX2
// `ggml_vec_dot_q4_1_q8_1` (what llama.cpp runs for Q4_1 on x86, batched or not) and, with the fifth bits
// and no min, `ggml_vec_dot_q5_0_q8_0`, so both engines see
// bit-identical matmul outputs and make the same 8-bit re-quantizations downstream. Per row:
//   lane j (0..7) of block b = Σ of the 4 products of elements 4j..4j+3, as an exact integer;
//   acc_j = fma(d_w·d_x, lane_j, acc_j) block after block; summs = fma(m_w, s_x, summs) block after block;
//   result = ((acc_0+acc_4) + (acc_2+acc_6)) + ((acc_1+acc_5) + (acc_3+acc_7)) + summs.
// Those are serial chains over blocks, so the rows are interleaved by 4 (see WeightMatrix): one 64-byte
// load is block b of 4 rows (followed by their scales), and its 16 i32 lanes are lanes 0-3 (`lo`) or 4-7 (`hi`) of each row, which
// 2 vector fmas advance by one block with no shuffling. Masks split the load into 4 nibble planes of
// i16 lanes that multiply the block's activation planes (`PreparedBatch` nibble planes, 16 bytes
// each, repeated for the 4 rows). 2 products of ≤ 15·127 fit in i16.

/// Block b of a row group: nibble planes and d_w, m_w of each of the 4 rows.
private struct NibbleBlock {
    let n0, n1, n2, n3: SIMD32<Int16>
    let dw, mw: SIMD4<Float>

    /// `highBits` (Q5_0): the block is 96 bytes, its last 16 the 4 rows' fifth bits (permuted as in
    /// WeightMatrix), and the planes hold the signed quants q − 16 like ggml's q5_0 dot.
    @inline(__always)
    init(_ group: UnsafeRawPointer, scalesOffset: Int, block b: Int, highBits: Bool) {
        let mask = SIMD16<UInt32>(repeating: 0x000F_000F)
        let blockBytes = highBits ? 96 : 80
        let v = group.loadUnaligned(fromByteOffset: blockBytes * b, as: SIMD16<UInt32>.self)
        let dm = group.loadUnaligned(fromByteOffset: blockBytes * b + scalesOffset, as: SIMD4<UInt32>.self)
        dw = halfBitsToFloat(dm & 0xFFFF); mw = halfBitsToFloat(dm &>> 16)
        guard highBits else {
            n0 = asInt16x32(v & mask); n1 = asInt16x32((v &>> 8) & mask)
            n2 = asInt16x32((v &>> 4) & mask); n3 = asInt16x32((v &>> 12) & mask)
            return
        }
        // Lane 4r + k of `t`: row r's permuted bits shifted by k, so bit 4p (16 + 4p) is the fifth bit of the
        // element in the low (high) i16 half of plane p; moved to bit 4 (20) it adds 16.
        let h = group.loadUnaligned(fromByteOffset: blockBytes * b + scalesOffset + 16, as: SIMD4<UInt32>.self)
        let t = spreadBy4(h) &>> SIMD16<UInt32>(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3)
        let fifth = SIMD16<UInt32>(repeating: 0x0010_0010), sixteen = SIMD32<Int16>(repeating: 16)
        n0 = asInt16x32((v & mask) | ((t &<< 4) & fifth)) &- sixteen
        n1 = asInt16x32(((v &>> 8) & mask) | (t & fifth)) &- sixteen
        n2 = asInt16x32(((v &>> 4) & mask) | ((t &>> 4) & fifth)) &- sixteen
        n3 = asInt16x32(((v &>> 12) & mask) | ((t &>> 8) & fifth)) &- sixteen
    }
}

/// Where one token's prepared input keeps what the nibble kernel reads (byte offsets in its area).
private struct NibbleInput {
    let planes: Int, scales: Int, sums: Int

    init(q8_1Sums: Bool, _ input: InputView) {
        planes = input.nibblePlanesOffset
        scales = input.scalesOffset
        // Q4_1 pairs with ggml's q8_1 `s` (f16-rounded); Q4_0 (m = −8d) with q8_0, whose sum is exact.
        sums = q8_1Sums ? input.sumsOffset : input.sums32Offset
    }
}

/// One token against a row group: ggml's 8 lane accumulators of each row (lanes 0-3 of row r in
/// `lo[4r..<4r+4]`, lanes 4-7 in `hi`) and the 4 min terms.
private struct NibbleAccumulator {
    var lo = SIMD16<Float>(), hi = SIMD16<Float>()
    var mins = SIMD4<Float>()

    /// Adds block `b` of the group against the token whose prepared area starts at `x`.
    @inline(__always)
    mutating func add(_ w: NibbleBlock, _ x: UnsafeRawPointer, block b: Int, _ at: NibbleInput) {
        // The block's planes: xa, xb hold elements 4j+{0,2}, 4j+{1,3}; xc, xd the same 16 higher.
        let p = x + at.planes + 256 * (b / 4) + 16 * (b % 4)
        let lanes = int32ToFloat(pairSum16(w.n0 &* repeated(p) &+ w.n1 &* repeated(p + 64)))
        let upper = int32ToFloat(pairSum16(w.n2 &* repeated(p + 128) &+ w.n3 &* repeated(p + 192)))
        let scale = spreadBy4(w.dw * x.load(fromByteOffset: at.scales + 4 * b, as: Float.self))
        lo = multiplyAdd(lo, lanes, scale)
        hi = multiplyAdd(hi, upper, scale)
        mins = multiplyAdd(mins, w.mw, SIMD4(repeating: x.load(fromByteOffset: at.sums + 4 * b, as: Float.self)))
    }

    /// ggml's `hsum_float_8(acc) + summs` of each row.
    @inline(__always)
    var totals: SIMD4<Float> {
        let r = lo + hi   // lane 4r+i: acc_i + acc_(i+4) of row r
        let even = SIMD4(r[0], r[4], r[8], r[12]) + SIMD4(r[2], r[6], r[10], r[14])
        let odd = SIMD4(r[1], r[5], r[9], r[13]) + SIMD4(r[3], r[7], r[11], r[15])
        return (even + odd) + mins
    }
}

/// 16 bytes at `p` (8 i16) repeated 4 times.
@inline(__always)
private func repeated(_ p: UnsafeRawPointer) -> SIMD32<Int16> {
    let h = p.loadUnaligned(as: SIMD8<Int16>.self)
    let q = SIMD16(lowHalf: h, highHalf: h)
    return SIMD32(lowHalf: q, highHalf: q)
}

/// Dots row group `group` (rows 4·group ..< 4·group + rows, rows 1...4) with `tokens` (1...4) prepared inputs
/// from token `first`; writes out[t·outStride + i] for row 4·group + i.
@inline(__always)
func dotNibbles(_ w: MatrixView, group: Int, rows: Int, q8_1Sums: Bool, highBits: Bool, _ input: InputView, first: Int, tokens: Int,
                _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let at = NibbleInput(q8_1Sums: q8_1Sums, input)
    let base = w.base + group * w.groupStride
    let x0 = UnsafeRawPointer(input.token(first)), stride = input.tokenStride
    var acc0 = NibbleAccumulator(), acc1 = NibbleAccumulator(), acc2 = NibbleAccumulator(), acc3 = NibbleAccumulator()
    for b in 0..<w.chunks {
        let block = NibbleBlock(base, scalesOffset: w.scalesOffset, block: b, highBits: highBits)
        acc0.add(block, x0, block: b, at)
        if tokens > 1 { acc1.add(block, x0 + stride, block: b, at) }
        if tokens > 2 { acc2.add(block, x0 + 2 * stride, block: b, at) }
        if tokens > 3 { acc3.add(block, x0 + 3 * stride, block: b, at) }
    }
    @inline(__always) func store(_ acc: NibbleAccumulator, _ o: UnsafeMutablePointer<Float>) {
        let v = acc.totals
        if rows == 4 { UnsafeMutableRawPointer(o).storeBytes(of: v, as: SIMD4<Float>.self) } else { for i in 0..<rows { o[i] = v[i] } }
    }
    store(acc0, out)
    if tokens > 1 { store(acc1, out + outStride) }
    if tokens > 2 { store(acc2, out + 2 * outStride) }
    if tokens > 3 { store(acc3, out + 3 * outStride) }
}
