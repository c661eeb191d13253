import KernelInterface

// Fused dot for i8 quants in row groups of 4 (Q8_0, Q5_0, Q6_K, Q3_K; layout in WeightMatrix) against q8
// activations, with the lane structure of ggml's AVX2 `ggml_vec_dot_q8_0_q8_0`: per row and 32-element
// block, lane j (0..7) = the exact integer Σ of the 4 products of elements 4j..4j+3;
// acc_j = fma(d_w·d_x, lane_j, acc_j) block after block; result = ((acc_0+acc_4) + (acc_2+acc_6)) +
// ((acc_1+acc_5) + (acc_3+acc_7)). One 64-byte load holds 16 quants of each of the 4 rows (lanes 0-3 of
// every row, the second load lanes 4-7), so 2 vector fmas advance 4 rows by a block and the per-row sums
// wait until the end; the matrix is read front to back. Even and odd bytes are sign-extended into i16
// lanes and multiplied by the activations' int8 planes (`PreparedBatch`), 16 bytes broadcast to the 4 rows;
// two products of ≤ 128·127 fit in i16.

/// Block b of a row group: even/odd i16 planes of its two loads and the 4 rows' scales of each half.
private struct ByteBlock {
    let even0, odd0, even1, odd1: SIMD32<Int16>
    let scaleLow, scaleHigh: SIMD4<Float>

    @inline(__always)
    init(_ group: UnsafeRawPointer, block b: Int, _ format: ByteFormat) {
        let blockBytes = format.blockBytes
        let v0 = group.loadUnaligned(fromByteOffset: blockBytes * b, as: SIMD16<UInt32>.self)
        let v1 = group.loadUnaligned(fromByteOffset: blockBytes * b + 64, as: SIMD16<UInt32>.self)
        (even0, odd0) = ByteBlock.split(v0)
        (even1, odd1) = ByteBlock.split(v1)
        if format.hasHalfScale {
            let h = group.loadUnaligned(fromByteOffset: blockBytes * b + 128, as: SIMD2<UInt32>.self)
            let d = halfBitsToFloat(SIMD4(h[0] & 0xFFFF, h[0] >> 16, h[1] & 0xFFFF, h[1] >> 16))
            scaleLow = d; scaleHigh = d
        } else {
            scaleLow = group.loadUnaligned(fromByteOffset: blockBytes * b + 128, as: SIMD4<Float>.self)
            scaleHigh = group.loadUnaligned(fromByteOffset: blockBytes * b + 144, as: SIMD4<Float>.self)
        }
    }

    /// Even and odd bytes of each u32 lane, sign-extended into i16 lanes.
    @inline(__always)
    static func split(_ v: SIMD16<UInt32>) -> (SIMD32<Int16>, SIMD32<Int16>) {
        let bytes = SIMD16<UInt32>(repeating: 0x00FF_00FF), signBits = SIMD16<UInt32>(repeating: 0x0080_0080)
        let bias = SIMD32<Int16>(repeating: 128)
        return (asInt16x32((v & bytes) ^ signBits) &- bias, asInt16x32(((v &>> 8) & bytes) ^ signBits) &- bias)
    }
}

// Pattern matches, not `==` (see NibbleFormat in DotNibbles.swift).
extension ByteFormat {
    @inline(__always) var hasHalfScale: Bool { if case .halfScale = self { true } else { false } }
    /// Bytes of one block of a row group.
    @inline(__always) var blockBytes: Int { hasHalfScale ? 136 : 160 }
}

/// One token against a row group: ggml's 8 lane accumulators of each row (lanes 0-3 of row r in
/// `lo[4r..<4r+4]`, lanes 4-7 in `hi`).
private struct ByteAccumulator {
    var lo = SIMD16<Float>(), hi = SIMD16<Float>()

    /// Adds block `b` of the group against the token whose prepared area starts at `x`.
    @inline(__always)
    mutating func add(_ w: ByteBlock, _ x: UnsafeRawPointer, block b: Int, planes: Int, scales: Int) {
        // Int8 planes: per 64 elements an even plane (element 2L in lane L) then an odd one, 64 bytes each.
        let p = x + planes + 128 * (b / 2) + 32 * (b % 2)
        let low = int32ToFloat(pairSum32(w.even0 &* repeated4(p) &+ w.odd0 &* repeated4(p + 64)))
        let high = int32ToFloat(pairSum32(w.even1 &* repeated4(p + 16) &+ w.odd1 &* repeated4(p + 80)))
        let dx = x.load(fromByteOffset: scales + 4 * b, as: Float.self)
        lo = multiplyAdd(lo, spreadBy4(w.scaleLow * dx), low)
        hi = multiplyAdd(hi, spreadBy4(w.scaleHigh * dx), high)
    }

    /// ggml's `hsum_float_8(acc)` of each row.
    @inline(__always)
    var totals: SIMD4<Float> {
        rowTotals(lo, hi)
    }
}


/// Dots row group `group` (rows 4·group ..< 4·group + rows, rows 1...4) with `tokens` (1...4) prepared inputs
/// from token `first`; writes out[t·outStride + i] for row 4·group + i.
@inline(__always)
func dotBytes(_ w: MatrixView, group: Int, rows: Int, _ format: ByteFormat, _ input: InputView, first: Int, tokens: Int,
              _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let base = w.base + group * w.groupStride
    let planes = input.int8PlanesOffset, scales = input.scalesOffset
    let x0 = UnsafeRawPointer(input.token(first)), stride = input.tokenStride
    var acc0 = ByteAccumulator(), acc1 = ByteAccumulator(), acc2 = ByteAccumulator(), acc3 = ByteAccumulator()
    for b in 0..<w.chunks {
        let block = ByteBlock(base, block: b, format)
        acc0.add(block, x0, block: b, planes: planes, scales: scales)
        if tokens > 1 { acc1.add(block, x0 + stride, block: b, planes: planes, scales: scales) }
        if tokens > 2 { acc2.add(block, x0 + 2 * stride, block: b, planes: planes, scales: scales) }
        if tokens > 3 { acc3.add(block, x0 + 3 * stride, block: b, planes: planes, scales: scales) }
    }
    storeRows(acc0.totals, rows: rows, out)
    if tokens > 1 { storeRows(acc1.totals, rows: rows, out + outStride) }
    if tokens > 2 { storeRows(acc2.totals, rows: rows, out + 2 * outStride) }
    if tokens > 3 { storeRows(acc3.totals, rows: rows, out + 3 * outStride) }
}
