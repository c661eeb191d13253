import KernelInterface

// Q4_K, Q5_K (8 groups of 32 with 6-bit scale and min) and Q6_K (16 groups of 16 with i8 scales)
// super-block quantizers, following ggml's quantize_row_q{4,5,6}_K_ref operation for operation.

/// Q4_K (144 B): f16 d, f16 dmin, scales[12], qs[128].
@inline(__always)
func quantizeBlockQ4_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ scratch: borrowing KQuantScratch) {
    let levels = scratch.levels
    fitScalesAndMins(x, y, nmax: 15, rmin: -1, nstep: 20, scratch)
    let qs = y + 16
    for jj in 0..<4 {   // not stride(): its iterator is an out-of-line generic in the ISA modules
        let j = 64 * jj
        for l in 0..<32 {
            qs.storeBytes(of: levels[j + l] | levels[j + l + 32] << 4, toByteOffset: j / 2 + l, as: UInt8.self)
        }
    }
}

/// Q5_K (176 B): f16 d, f16 dmin, scales[12], qh[32], qs[128].
@inline(__always)
func quantizeBlockQ5_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ scratch: borrowing KQuantScratch) {
    let levels = scratch.levels
    fitScalesAndMins(x, y, nmax: 31, rmin: -0.5, nstep: 15, scratch)
    let qh = y + 16, ql = y + 48
    for j in 0..<32 { qh.storeBytes(of: 0, toByteOffset: j, as: UInt8.self) }
    var m1: UInt8 = 1, m2: UInt8 = 2
    for nn in 0..<4 {
        let n = 64 * nn
        for j in 0..<32 {
            var l1 = levels[n + j], l2 = levels[n + j + 32], high = qh.load(fromByteOffset: j, as: UInt8.self)
            if l1 > 15 { l1 -= 16; high |= m1 }
            if l2 > 15 { l2 -= 16; high |= m2 }
            qh.storeBytes(of: high, toByteOffset: j, as: UInt8.self)
            ql.storeBytes(of: l1 | l2 << 4, toByteOffset: n / 2 + j, as: UInt8.self)
        }
        m1 <<= 2; m2 <<= 2
    }
}

/// The part Q4_K and Q5_K share: per-group make_qkx2_quants with weights av_x + |x| (all 8 groups
/// at once, KQuantSearchLanes.swift), 6-bit scales
/// and mins packed into bytes 4..<16, f16 d and dmin at 0 and 2, then levels requantized with the
/// rounded scales into `scratch.levels`.
@inline(__always)
private func fitScalesAndMins(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, nmax: Int32, rmin: Float, nstep: Int,
    _ scratch: borrowing KQuantScratch
) {
    let levels = scratch.levels, scales = scratch.scales, mins = scratch.mins
    fitGroupsOf32(x, nmax: nmax, rmin: rmin, rdelta: 0.1, nstep: nstep, levels: levels, scales: scales, mins: mins, scratch.lanes)
    var maxScale: Float = 0, maxMin: Float = 0
    for j in 0..<8 {
        if scales[j] > maxScale { maxScale = scales[j] }
        if mins[j] > maxMin { maxMin = mins[j] }
    }
    let invScale: Float = maxScale > 0 ? 63 / maxScale : 0
    let invMin: Float = maxMin > 0 ? 63 / maxMin : 0
    let packed = y + 4
    for j in 0..<8 {
        let ls = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invScale * scales[j])))
        let lm = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invMin * mins[j])))
        if j < 4 {
            packed.storeBytes(of: ls, toByteOffset: j, as: UInt8.self)
            packed.storeBytes(of: lm, toByteOffset: j + 4, as: UInt8.self)
        } else {
            packed.storeBytes(of: (ls & 0xF) | (lm & 0xF) << 4, toByteOffset: j + 4, as: UInt8.self)
            let a = packed.load(fromByteOffset: j - 4, as: UInt8.self)
            packed.storeBytes(of: a | (ls >> 4) << 6, toByteOffset: j - 4, as: UInt8.self)
            let b = packed.load(fromByteOffset: j, as: UInt8.self)
            packed.storeBytes(of: b | (lm >> 4) << 6, toByteOffset: j, as: UInt8.self)
        }
    }
    storeHalf(maxScale / 63, y, 0)
    storeHalf(maxMin / 63, y, 2)
    let dAll = loadHalf(y, 0), minAll = loadHalf(y, 2)
    for j in 0..<8 {
        let (sc, m) = scaleAndMinK4(j, packed)
        let d = dAll * Float(sc)
        if d == 0 { continue }
        let dm = minAll * Float(m)
        for ii in 0..<32 {
            let l = Swift.max(0, Swift.min(nmax, nearestInt((x[32 * j + ii] + dm) / d)))
            levels[32 * j + ii] = UInt8(truncatingIfNeeded: l)
        }
    }
}

/// Unpacks group `j`'s 6-bit scale and min from the 12 packed bytes (ggml's get_scale_min_k4).
@inline(__always)
func scaleAndMinK4(_ j: Int, _ q: UnsafeMutableRawPointer) -> (scale: UInt8, min: UInt8) {
    func byte(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 { return (byte(j) & 63, byte(j + 4) & 63) }
    return ((byte(j + 4) & 0xF) | (byte(j - 4) >> 6) << 4, (byte(j + 4) >> 4) | (byte(j) >> 6) << 4)
}

/// Q6_K (210 B): ql[128], qh[64], i8 scales[16], f16 d.
@inline(__always)
func quantizeBlockQ6_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ scratch: borrowing KQuantScratch) {
    let signed = scratch.signedLevels, scales = scratch.scales
    var maxScale: Float = 0, maxAbsScale: Float = 0
    fitSymmetricGroupsOf16(x, nmax: 32, levels: signed, scales: scales, scratch.lanes)
    for ib in 0..<16 {
        let scale = scales[ib]
        let absScale = abs(scale)
        if absScale > maxAbsScale { maxAbsScale = absScale; maxScale = scale }
    }
    if maxAbsScale < groupMaxEpsilon {
        y.initializeMemory(as: UInt8.self, repeating: 0, count: 210)
        return
    }
    let iscale = -128 / maxScale
    storeHalf(1 / iscale, y, 208)
    for ib in 0..<16 {
        let q = Int8(truncatingIfNeeded: Swift.min(127, nearestInt(iscale * scales[ib])))
        y.storeBytes(of: q, toByteOffset: 192 + ib, as: Int8.self)
    }
    let dAll = loadHalf(y, 208)
    for j in 0..<16 {
        let d = dAll * Float(y.load(fromByteOffset: 192 + j, as: Int8.self))
        if d == 0 { continue }
        for ii in 0..<16 {
            let l = Swift.max(-32, Swift.min(31, nearestInt(x[16 * j + ii] / d)))
            signed[16 * j + ii] = Int8(truncatingIfNeeded: l + 32)
        }
    }
    let ql = y, qh = y + 128
    for jj in 0..<2 {
        let j = 128 * jj
        for l in 0..<32 {
            func level(_ i: Int) -> UInt8 { UInt8(bitPattern: signed[j + l + i]) }
            let q1 = level(0) & 0xF, q2 = level(32) & 0xF, q3 = level(64) & 0xF, q4 = level(96) & 0xF
            ql.storeBytes(of: q1 | q3 << 4, toByteOffset: j / 2 + l, as: UInt8.self)
            ql.storeBytes(of: q2 | q4 << 4, toByteOffset: j / 2 + l + 32, as: UInt8.self)
            let high = level(0) >> 4 | (level(32) >> 4) << 2 | (level(64) >> 4) << 4 | (level(96) >> 4) << 6
            qh.storeBytes(of: high, toByteOffset: j / 4 + l, as: UInt8.self)
        }
    }
}
