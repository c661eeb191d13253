import KernelInterface

// Fused dequantize-and-dot for Q4_0/Q4_1/Q4_K against q8 activations, rounding exactly like ggml's AVX2
// `ggml_vec_dot_q4_1_q8_1` (what llama.cpp runs for Q4_1 on x86, batched or not), so both engines see
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

    /// Q4_K: f32 scales and mins in a 96-byte block.
    @inline(__always)
    init(_ group: UnsafeRawPointer, scalesOffset: Int, block b: Int, _ format: NibbleFormat) {
        let mask = SIMD16<UInt32>(repeating: 0x000F_000F)
        let blockBytes = format.blockBytes
        let v = group.loadUnaligned(fromByteOffset: blockBytes * b, as: SIMD16<UInt32>.self)
        if format.hasFloatScales {
            dw = group.loadUnaligned(fromByteOffset: blockBytes * b + scalesOffset, as: SIMD4<Float>.self)
            mw = group.loadUnaligned(fromByteOffset: blockBytes * b + scalesOffset + 16, as: SIMD4<Float>.self)
        } else {
            let dm = group.loadUnaligned(fromByteOffset: blockBytes * b + scalesOffset, as: SIMD4<UInt32>.self)
            dw = halfBitsToFloat(dm & 0xFFFF); mw = halfBitsToFloat(dm &>> 16)
        }
        n0 = asInt16x32(v & mask); n1 = asInt16x32((v &>> 8) & mask)
        n2 = asInt16x32((v &>> 4) & mask); n3 = asInt16x32((v &>> 12) & mask)
    }
}

/// Where one token's prepared input keeps what the nibble kernel reads (byte offsets in its area).
private struct NibbleInput {
    let planes: Int, scales: Int, sums: Int

    init(_ format: NibbleFormat, _ input: InputView) {
        planes = input.nibblePlanesOffset
        scales = input.scalesOffset
        // Q4_1 pairs with ggml's q8_1 `s` (f16-rounded); Q4_0 (m = −8d) and Q4_K with the exact q8_0 sums.
        sums = format.pairsWithQ8_1Sums ? input.sumsOffset : input.sums32Offset
    }
}

// Pattern matches, not `==`: the synthesized Equatable of an enum from KernelInterface is a call into that
// (baseline) module, once per block.
extension NibbleFormat {
    @inline(__always) var hasFloatScales: Bool { if case .q4_K = self { true } else { false } }
    @inline(__always) var pairsWithQ8_1Sums: Bool { if case .q4_1 = self { true } else { false } }
    /// Bytes of one block of a row group.
    @inline(__always) var blockBytes: Int { hasFloatScales ? 96 : 80 }
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
        let lanes = int32ToFloat(pairSum16(w.n0 &* repeated4(p) &+ w.n1 &* repeated4(p + 64)))
        let upper = int32ToFloat(pairSum16(w.n2 &* repeated4(p + 128) &+ w.n3 &* repeated4(p + 192)))
        let scale = spreadBy4(w.dw * x.load(fromByteOffset: at.scales + 4 * b, as: Float.self))
        lo = multiplyAdd(lo, lanes, scale)
        hi = multiplyAdd(hi, upper, scale)
        mins = multiplyAdd(mins, w.mw, SIMD4(repeating: x.load(fromByteOffset: at.sums + 4 * b, as: Float.self)))
    }

    /// ggml's `hsum_float_8(acc) + summs` of each row.
    @inline(__always)
    var totals: SIMD4<Float> {
        rowTotals(lo, hi) + mins
    }
}


/// Dots row group `group` (rows 4·group ..< 4·group + rows, rows 1...4) with `tokens` (1...4) prepared inputs
/// from token `first`; writes out[t·outStride + i] for row 4·group + i.
@inline(__always)
func dotNibbles(_ w: MatrixView, group: Int, rows: Int, _ format: NibbleFormat, _ input: InputView, first: Int, tokens: Int,
                _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let at = NibbleInput(format, input)
    let base = w.base + group * w.groupStride
    let x0 = UnsafeRawPointer(input.token(first)), stride = input.tokenStride
    var acc0 = NibbleAccumulator(), acc1 = NibbleAccumulator(), acc2 = NibbleAccumulator(), acc3 = NibbleAccumulator()
    for b in 0..<w.chunks {
        let block = NibbleBlock(base, scalesOffset: w.scalesOffset, block: b, format)
        acc0.add(block, x0, block: b, at)
        if tokens > 1 { acc1.add(block, x0 + stride, block: b, at) }
        if tokens > 2 { acc2.add(block, x0 + 2 * stride, block: b, at) }
        if tokens > 3 { acc3.add(block, x0 + 3 * stride, block: b, at) }
    }
    storeRows(acc0.totals, rows: rows, out)
    if tokens > 1 { storeRows(acc1.totals, rows: rows, out + outStride) }
    if tokens > 2 { storeRows(acc2.totals, rows: rows, out + 2 * outStride) }
    if tokens > 3 { storeRows(acc3.totals, rows: rows, out + 3 * outStride) }
}
