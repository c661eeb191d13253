import KernelInterface

// Activation preparation: one input vector quantized to q8 blocks of 32 like llama.cpp (the AVX2
// `quantize_row_q8_1`: id = 127/amax, round to nearest even, f16 scale), then rearranged into the i16
// planes the integer kernels multiply against (layout in Interface/KernelViews.swift `InputView`).

/// Prepares token `t` of `input` from `x` (`input.columns` floats); the padding is zero-filled. With
/// `biasedQuants` (the VNNI kernels, which read no nibble planes) it writes quants + 128 instead of the nibble planes.
@inline(__always)
func prepareToken(_ input: InputView, _ t: Int, _ x: UnsafePointer<Float>, biasedQuants: Bool) {
    let base = input.token(t)
    let columns = input.columns, paddedColumns = input.paddedColumns
    let floats = (base + input.floatsOffset).assumingMemoryBound(to: Float.self)
    floats.update(from: x, count: columns)
    (floats + columns).update(repeating: 0, count: paddedColumns - columns)
    let q = (base + input.quantsOffset).assumingMemoryBound(to: Int8.self)
    let d = (base + input.scalesOffset).assumingMemoryBound(to: Float.self)
    let s = (base + input.sumsOffset).assumingMemoryBound(to: Float.self)
    let s16 = (base + input.sums16Offset).assumingMemoryBound(to: Float.self)
    let s32 = (base + input.sums32Offset).assumingMemoryBound(to: Float.self)
    let raw = UnsafeRawPointer(floats)
    for b in 0..<paddedColumns / 32 {
        let lo = raw.loadUnaligned(fromByteOffset: 128 * b, as: SIMD16<Float>.self)
        let hi = raw.loadUnaligned(fromByteOffset: 128 * b + 64, as: SIMD16<Float>.self)
        let absBits = (unsafeBitCast(lo, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF)
        let absBitsHi = (unsafeBitCast(hi, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF)
        // Non-negative floats order like their bit patterns.
        let amaxBits = horizontalMax(absBits.replacing(with: absBitsHi, where: absBitsHi .> absBits))
        let amax = Float(bitPattern: amaxBits)
        let id: Float = amax != 0 ? 127 / amax : 0
        let ql = roundToInt(lo * id), qh = roundToInt(hi * id)
        for j in 0..<16 {
            q[32 * b + j] = Int8(truncatingIfNeeded: ql[j])
            q[32 * b + 16 + j] = Int8(truncatingIfNeeded: qh[j])
        }
        let dq = Float(Float16(amax / 127))
        // Wrapping sums: finite inputs give |q| ≤ 127, but NaN or Inf inputs give garbage lanes that must not
        // trap here (the forward pass reports the non-finite values it produces).
        let sumLo = horizontalSum(ql), sumHi = horizontalSum(qh), sum = sumLo &+ sumHi
        d[b] = dq
        s[b] = Float(Float16(amax / 127 * Float(sum)))
        s16[2 * b] = dq * Float(sumLo)
        s16[2 * b + 1] = dq * Float(sumHi)
        s32[b] = dq * Float(sum)
    }
    if biasedQuants {
        let biased = base + input.biasedQuantsOffset
        for i in stride(from: 0, to: paddedColumns, by: 64) {
            let v = UnsafeRawPointer(q).loadUnaligned(fromByteOffset: i, as: SIMD16<UInt32>.self)
            biased.storeBytes(of: v ^ SIMD16(repeating: 0x8080_8080), toByteOffset: i, as: SIMD16<UInt32>.self)
        }
    }
    let nib = (base + input.nibblePlanesOffset).assumingMemoryBound(to: Int16.self)
    for c in 0..<(biasedQuants ? 0 : paddedColumns / 128) {
        // Lane (i, h) of plane xa is element 32k + 4i' + 2h of block k = i/4 (i' = i%4); xb is +1,
        // xc is +16, xd is +17: the elements the nibble masks of DotNibbles extract.
        let planes = nib + 128 * c
        for lane in 0..<32 {
            let i = lane / 2, h = lane % 2
            let e = 128 * c + 32 * (i / 4) + 4 * (i % 4) + 2 * h
            planes[lane] = Int16(q[e])
            planes[32 + lane] = Int16(q[e + 1])
            planes[64 + lane] = Int16(q[e + 16])
            planes[96 + lane] = Int16(q[e + 17])
        }
    }
    let i8p = (base + input.int8PlanesOffset).assumingMemoryBound(to: Int16.self)
    for c in 0..<paddedColumns / 64 {
        // Lane (i, h): even plane holds element 4i + 2h, odd plane 4i + 2h + 1 (of these 64).
        let planes = i8p + 64 * c
        for lane in 0..<32 {
            let e = 64 * c + 2 * lane
            planes[lane] = Int16(q[e])
            planes[32 + lane] = Int16(q[e + 1])
        }
    }
}

/// Round to nearest even via the 1.5·2^23 trick (exact for |v| ≤ 127.5).
@inline(__always)
private func roundToInt(_ v: SIMD16<Float>) -> SIMD16<Int32> {
    let shifted = v + SIMD16<Float>(repeating: 12_582_912)
    return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
}
