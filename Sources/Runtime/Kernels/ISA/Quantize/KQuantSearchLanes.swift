import KernelInterface

// The k-quant scale searches for all groups of a super-block at once, one group per SIMD lane:
// make_qkx2_quants for the 8 groups of 32 of Q4_K/Q5_K, make_qx_quants for the 16 groups of 16 of Q6_K.
// Each lane performs exactly the float operations of the scalar functions (KQuantSearch.swift), in the
// same order, so levels and scales are bit-identical to them and to ggml. The scalar searches are
// latency-bound (running sums of 16 or 32 terms per candidate scale); independent lanes hide that.

// Per-worker buffers: KQuantLanes (Kernels/Interface/KQuantScratch.swift).
// The per-ISA kernel modules compile this file too, so it avoids the stdlib generics that are emitted
// out of line under one shared name (any(), SIMD conversions): KernelVariantObjectTests.

/// Int32 lanes to Float lanes (a manual loop becomes one vcvtdq2ps; the generic init is out of line).
@inline(__always)
private func floats(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Float(v[i]) }
    return r
}

@inline(__always)
private func floats(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = Float(v[i]) }
    return r
}

/// Whether any lane is set (`any(_:)` calls an out-of-line `SIMD.min()` specialization).
@inline(__always)
private func anySet(_ mask: SIMDMask<SIMD8<Int32>>) -> Bool {
    for i in 0..<8 where mask[i] { return true }
    return false
}

@inline(__always)
private func anySet(_ mask: SIMDMask<SIMD16<Int32>>) -> Bool {
    for i in 0..<16 where mask[i] { return true }
    return false
}

/// ggml's nearest_int in every lane (round half to even via 1.5·2^23), clamped to [0, nmax] with shifts
/// and masks: no lane selects, which baseline x86-64 code turns into loops over lanes.
@inline(__always)
private func levelsInRange(_ v: SIMD8<Float>, _ nmax: SIMD8<Int32>) -> SIMD8<Int32> {
    let bits = unsafeBitCast(v + 12_582_912, to: SIMD8<UInt32>.self) & 0x007F_FFFF
    let l = unsafeBitCast(bits, to: SIMD8<Int32>.self) &- 0x0040_0000   // in [-2^22, 2^22)
    let low = l & ~(l &>> 31)                                            // max(l, 0)
    let over = low &- nmax
    return nmax &+ (over & (over &>> 31))                                // min(low, nmax)
}

/// |v| by clearing the sign bit, as C's fabsf does (also for -0 and NaN).
@inline(__always)
private func magnitude(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
}

/// Q4_K/Q5_K's per-group fit: weights av_x + |x| with av_x = sqrt(Σx²/32), then make_qkx2_quants
/// (use_mad = false) with `nstep` ≥ 1 candidate scales.
/// - Parameters:
///   - x: the super-block's 256 values, group j at 32j.
///   - levels: receives 256 levels in [0, nmax], laid out like `x`.
///   - scales, mins: receive each group's scale and -min (≥ 0).
@inline(__always)
func fitGroupsOf32(
    _ x: UnsafePointer<Float>, nmax: Int32, rmin: Float, rdelta: Float, nstep: Int,
    levels: UnsafeMutablePointer<UInt8>, scales: UnsafeMutablePointer<Float>, mins: UnsafeMutablePointer<Float>,
    _ lanes: borrowing KQuantLanes
) {
    typealias F8 = SIMD8<Float>
    let xt = lanes.x, wt = lanes.weights, best = lanes.best
    // Lanes are read and written through scalar pointers: indexing a SIMD value by a variable lane
    // compiles to broadcasts and masked moves.
    let xScalars = UnsafeMutableRawPointer(xt).assumingMemoryBound(to: Float.self)
    for j in 0..<8 { for i in 0..<32 { xScalars[8 * i + j] = x[32 * j + i] } }
    var sumX2 = F8()
    for i in 0..<32 { sumX2 += xt[i] * xt[i] }
    let avX = (sumX2 / 32).squareRoot()
    for i in 0..<32 { wt[i] = avX + magnitude(xt[i]) }

    var low = xt[0], high = xt[0]
    var sumW = wt[0]
    var sumX = sumW * xt[0]
    for i in 1..<32 {
        let v = xt[i], w = wt[i]
        low.replace(with: v, where: v .< low)
        high.replace(with: v, where: v .> high)
        sumW += w
        sumX += w * v
    }
    low.replace(with: 0, where: low .> 0)
    let flat = high .== low, flatLow = low
    let fmax = Float(nmax), top = SIMD8<Int32>(repeating: nmax)

    var iscale = F8(repeating: fmax) / (high - low)
    var scale = 1 / iscale
    var bestError = F8()
    for i in 0..<32 {
        let l = levelsInRange(iscale * (xt[i] - low), top)
        var diff = scale * floats(l) + low - xt[i]
        diff = diff * diff
        bestError += wt[i] * diff
    }
    // The best levels are kept as the (iscale, low) that produced them and recomputed at the end.
    var levelScale = iscale, levelLow = low
    for step in 0...nstep {
        iscale = F8(repeating: rmin + rdelta * Float(step) + fmax) / (high - low)
        var sumL = F8(), sumL2 = F8(), sumXL = F8()
        for i in 0..<32 {
            let w = wt[i], fl = floats(levelsInRange(iscale * (xt[i] - low), top))
            sumL += w * fl
            sumL2 += w * fl * fl
            sumXL += w * fl * xt[i]
        }
        let determinant = sumW * sumL2 - sumL * sumL
        let valid = determinant .> 0
        guard anySet(valid) else { continue }
        var thisScale = (sumW * sumXL - sumX * sumL) / determinant
        var thisMin = (sumL2 * sumX - sumL * sumXL) / determinant
        let positive = thisMin .> 0
        thisMin.replace(with: 0, where: positive)
        thisScale.replace(with: sumXL / sumL2, where: positive)
        var error = F8()
        for i in 0..<32 {
            var diff = thisScale * floats(levelsInRange(iscale * (xt[i] - low), top)) + thisMin - xt[i]
            diff = diff * diff
            error += wt[i] * diff
        }
        let better = valid .& (error .< bestError)
        guard anySet(better) else { continue }
        levelScale.replace(with: iscale, where: better)
        levelLow.replace(with: low, where: better)
        bestError.replace(with: error, where: better)
        scale.replace(with: thisScale, where: better)
        low.replace(with: thisMin, where: better)
    }
    // A group whose values are all equal gets level 0, scale 0 and min -min (before the search).
    scale.replace(with: 0, where: flat)
    low.replace(with: flatLow, where: flat)
    let noLevels = flat._storage   // all ones in flat lanes
    for i in 0..<32 { best[i] = levelsInRange(levelScale * (xt[i] - levelLow), top) & ~noLevels }
    UnsafeMutableRawPointer(scales).storeBytes(of: scale, as: F8.self)
    UnsafeMutableRawPointer(mins).storeBytes(of: -low, as: F8.self)
    let bestScalars = UnsafeMutableRawPointer(best).assumingMemoryBound(to: Int32.self)
    for j in 0..<8 { for i in 0..<32 { levels[32 * j + i] = UInt8(truncatingIfNeeded: bestScalars[8 * i + j]) } }
}

/// ggml's nearest_int in every lane, clamped to [-nmax, nmax - 1] with shifts and masks.
@inline(__always)
private func signedLevels(_ v: SIMD16<Float>, _ nmax: SIMD16<Int32>) -> SIMD16<Int32> {
    let bits = unsafeBitCast(v + 12_582_912, to: SIMD16<UInt32>.self) & 0x007F_FFFF
    let l = unsafeBitCast(bits, to: SIMD16<Int32>.self) &- 0x0040_0000   // in [-2^22, 2^22)
    let under = l &+ nmax
    let low = l &- (under & (under &>> 31))                               // max(l, -nmax)
    let over = low &- (nmax &- 1)
    return (nmax &- 1) &+ (over & (over &>> 31))                          // min(low, nmax - 1)
}

/// Q6_K's per-group fit: make_qx_quants (rmse_type 1, weights x²) for the 16 groups of 16 values.
/// - Parameters:
///   - x: the super-block's 256 values, group j at 16j.
///   - levels: receives 256 levels shifted by +nmax, laid out like `x`.
///   - scales: receives each group's scale.
@inline(__always)
func fitSymmetricGroupsOf16(
    _ x: UnsafePointer<Float>, nmax: Int32, levels: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>,
    _ lanes: borrowing KQuantLanes
) {
    typealias F16 = SIMD16<Float>
    let xt = lanes.x16, best = lanes.best16
    let xScalars = UnsafeMutableRawPointer(xt).assumingMemoryBound(to: Float.self)
    for j in 0..<16 { for i in 0..<16 { xScalars[16 * i + j] = x[16 * j + i] } }
    var signedMax = F16(), amax = F16()
    for i in 0..<16 {
        let v = xt[i]
        let av = unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: F16.self)
        let larger = av .> amax
        amax.replace(with: av, where: larger)
        signedMax.replace(with: v, where: larger)
    }
    let zero = amax .< groupMaxEpsilon
    let fmax = Float(nmax), top = SIMD16<Int32>(repeating: nmax)

    var iscale = F16(repeating: Float(-nmax)) / signedMax
    var sumlx = F16(), suml2 = F16()
    for i in 0..<16 {
        let v = xt[i], l = signedLevels(iscale * v, top)
        let w = v * v, fl = floats(l)
        sumlx += w * v * fl
        suml2 += w * fl * fl
    }
    var scale = sumlx / suml2
    scale.replace(with: 0, where: suml2 .== 0)
    var levelScale = iscale   // the best levels are recomputed from it at the end
    var bestScore = scale * sumlx
    for step in -9...9 where step != 0 {
        iscale = F16(repeating: -(fmax + 0.1 * Float(step))) / signedMax
        sumlx = F16(); suml2 = F16()
        for i in 0..<16 {
            let v = xt[i], fl = floats(signedLevels(iscale * v, top))
            let w = v * v
            sumlx += w * v * fl
            suml2 += w * fl * fl
        }
        let better = (suml2 .> 0) .& (sumlx * sumlx .> bestScore * suml2)
        guard anySet(better) else { continue }
        levelScale.replace(with: iscale, where: better)
        scale.replace(with: sumlx / suml2, where: better)
        bestScore.replace(with: scale * sumlx, where: better)
    }
    // A group of (near) zeros gets levels 0 (not +nmax) and scale 0, as the scalar search returns early.
    scale.replace(with: 0, where: zero)
    for i in 0..<16 { best[i] = signedLevels(levelScale * xt[i], top) }
    // Levels are stored shifted by +nmax; a group of zeros gets 0.
    let keep = ~zero._storage
    for i in 0..<16 { best[i] = (best[i] &+ top) & keep }
    UnsafeMutableRawPointer(scales).storeBytes(of: scale, as: F16.self)
    let bestScalars = UnsafeMutableRawPointer(best).assumingMemoryBound(to: Int32.self)
    for j in 0..<16 { for i in 0..<16 { levels[16 * j + i] = Int8(truncatingIfNeeded: bestScalars[16 * i + j]) } }
}
