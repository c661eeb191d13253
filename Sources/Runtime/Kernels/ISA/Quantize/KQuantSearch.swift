// The scale searches behind ggml's k-quants (make_qx_quants, make_q3_quants, make_qkx2_quants),
// with ggml's float operation order kept so the chosen levels and scales are bit-identical.

/// Below this magnitude a group counts as all zeros (ggml's GROUP_MAX_EPS).
let groupMaxEpsilon: Float = 1e-15

/// The first value of largest magnitude, and that magnitude (ggml's amax/max scan).
@inline(__always)
func signedMaxMagnitude(_ x: UnsafePointer<Float>, _ n: Int) -> (value: Float, magnitude: Float) {
    var max: Float = 0, amax: Float = 0
    for i in 0..<n {
        let ax = abs(x[i])
        if ax > amax { amax = ax; max = x[i] }
    }
    return (max, amax)
}

/// Q3_K's symmetric levels: start from -nmax/max, then up to 5 passes that move single levels
/// when that raises (Σ w·x·l)² / Σ w·l² (w = x²). Levels are returned shifted by +nmax.
@inline(__always)
func makeQ3Quants(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ levels: UnsafeMutablePointer<Int8>) -> Float {
    let (max, amax) = signedMaxMagnitude(x, n)
    if amax < groupMaxEpsilon {
        for i in 0..<n { levels[i] = 0 }
        return 0
    }
    let iscale = Float(-nmax) / max
    var sumlx: Float = 0, suml2: Float = 0
    for i in 0..<n {
        let l = Swift.max(-nmax, Swift.min(nmax - 1, nearestInt(iscale * x[i])))
        levels[i] = Int8(truncatingIfNeeded: l)
        let w = x[i] * x[i], fl = Float(l)
        sumlx += w * x[i] * fl
        suml2 += w * fl * fl
    }
    for _ in 0..<5 {
        var changed = 0
        for i in 0..<n {
            let w = x[i] * x[i], current = Float(levels[i])
            var slx = sumlx - w * x[i] * current
            guard slx > 0 else { continue }
            var sl2 = suml2 - w * current * current
            let newL = Swift.max(-nmax, Swift.min(nmax - 1, nearestInt(x[i] * sl2 / slx)))
            guard newL != Int32(levels[i]) else { continue }
            let fl = Float(newL)
            slx += w * x[i] * fl
            sl2 += w * fl * fl
            if sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2 {
                levels[i] = Int8(truncatingIfNeeded: newL); sumlx = slx; suml2 = sl2
                changed += 1
            }
        }
        if changed == 0 { break }
    }
    for i in 0..<n { levels[i] = levels[i] &+ Int8(truncatingIfNeeded: nmax) }
    return suml2 > 0 ? sumlx / suml2 : 0
}

/// Asymmetric levels in [0, nmax] with a minimum: tries scales (rmin + rdelta·k + nmax)/(max - min)
/// for k = 0...nstep, fits scale and min by weighted least squares for each, keeps the lowest
/// weighted squared error (ggml's make_qkx2_quants with use_mad = false).
/// - Returns: the scale, and `theMin` = -min (≥ 0).
@inline(__always)
func makeQKX2Quants(
    _ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
    _ levels: UnsafeMutablePointer<UInt8>, _ theMin: inout Float, _ scratch: UnsafeMutablePointer<UInt8>,
    rmin: Float, rdelta: Float, nstep: Int, useMAD: Bool
) -> Float {
    var min = x[0], max = x[0]
    var sumW = weights[0]
    var sumX = sumW * x[0]
    for i in 1..<n {
        if x[i] < min { min = x[i] }
        if x[i] > max { max = x[i] }
        let w = weights[i]
        sumW += w
        sumX += w * x[i]
    }
    if min > 0 { min = 0 }
    if max == min {
        for i in 0..<n { levels[i] = 0 }
        theMin = -min
        return 0
    }
    let fmax = Float(nmax)
    var iscale = fmax / (max - min)
    var scale = 1 / iscale
    var bestError: Float = 0
    for i in 0..<n {
        let l = Swift.max(0, Swift.min(nmax, nearestInt(iscale * (x[i] - min))))
        levels[i] = UInt8(truncatingIfNeeded: l)
        var diff = scale * Float(l) + min - x[i]
        diff = useMAD ? abs(diff) : diff * diff
        bestError += weights[i] * diff
    }
    if nstep < 1 {
        theMin = -min
        return scale
    }
    for step in 0...nstep {
        iscale = (rmin + rdelta * Float(step) + fmax) / (max - min)
        var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
        for i in 0..<n {
            let l = Swift.max(0, Swift.min(nmax, nearestInt(iscale * (x[i] - min))))
            scratch[i] = UInt8(truncatingIfNeeded: l)
            let w = weights[i], fl = Float(l)
            sumL += w * fl
            sumL2 += w * fl * fl
            sumXL += w * fl * x[i]
        }
        let determinant = sumW * sumL2 - sumL * sumL
        guard determinant > 0 else { continue }
        var thisScale = (sumW * sumXL - sumX * sumL) / determinant
        var thisMin = (sumL2 * sumX - sumL * sumXL) / determinant
        if thisMin > 0 {
            thisMin = 0
            thisScale = sumXL / sumL2
        }
        var error: Float = 0
        for i in 0..<n {
            var diff = thisScale * Float(scratch[i]) + thisMin - x[i]
            diff = useMAD ? abs(diff) : diff * diff
            error += weights[i] * diff
        }
        if error < bestError {
            for i in 0..<n { levels[i] = scratch[i] }
            bestError = error
            scale = thisScale
            min = thisMin
        }
    }
    theMin = -min
    return scale
}
