import KernelInterface

// Q2_K and Q3_K super-block quantizers (256 values, 16 groups of 16), following ggml's
// quantize_row_q2_K_ref / quantize_row_q3_K_ref operation for operation.

/// Q2_K (84 B): scales[16] (scale | min<<4), qs[64], f16 d, f16 dmin.
@inline(__always)
func quantizeBlockQ2_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ scratch: borrowing KQuantScratch) {
    let levels = scratch.levels, aux = scratch.aux, weights = scratch.weights
    let scales = scratch.scales, mins = scratch.mins
    let q4scale: Float = 15
    var maxScale: Float = 0, maxMin: Float = 0
    for j in 0..<16 {
        for l in 0..<16 { weights[l] = abs(x[16 * j + l]) }
        var theMin: Float = 0
        scales[j] = makeQKX2Quants(16, 3, x + 16 * j, weights, levels + 16 * j, &theMin, aux,
                                   rmin: -0.5, rdelta: 0.1, nstep: 15, useMAD: true)
        mins[j] = theMin
        if scales[j] > maxScale { maxScale = scales[j] }
        if mins[j] > maxMin { maxMin = mins[j] }
    }
    if maxScale > 0 {
        let iscale = q4scale / maxScale
        for j in 0..<16 {
            y.storeBytes(of: UInt8(truncatingIfNeeded: nearestInt(iscale * scales[j])), toByteOffset: j, as: UInt8.self)
        }
        storeHalf(maxScale / q4scale, y, 80)
    } else {
        for j in 0..<16 { y.storeBytes(of: 0, toByteOffset: j, as: UInt8.self) }
        storeHalf(0, y, 80)
    }
    if maxMin > 0 {
        let iscale = q4scale / maxMin
        for j in 0..<16 {
            let l = UInt8(truncatingIfNeeded: nearestInt(iscale * mins[j]))
            let old = y.load(fromByteOffset: j, as: UInt8.self)
            y.storeBytes(of: old | l << 4, toByteOffset: j, as: UInt8.self)
        }
        storeHalf(maxMin / q4scale, y, 82)
    } else {
        storeHalf(0, y, 82)
    }
    let dAll = loadHalf(y, 80), minAll = loadHalf(y, 82)
    for j in 0..<16 {
        let sc = y.load(fromByteOffset: j, as: UInt8.self)
        let d = dAll * Float(sc & 0xF)
        if d == 0 { continue }
        let dm = minAll * Float(sc >> 4)
        for ii in 0..<16 {
            let l = Swift.max(0, Swift.min(3, nearestInt((x[16 * j + ii] + dm) / d)))
            levels[16 * j + ii] = UInt8(truncatingIfNeeded: l)
        }
    }
    packTwoBitLevels(levels, into: y + 16)
}

/// Q3_K (110 B): hmask[32], qs[64], scales[12] (16 signed 6-bit), f16 d.
@inline(__always)
func quantizeBlockQ3_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ scratch: borrowing KQuantScratch) {
    let signed = scratch.signedLevels, scales = scratch.scales
    var maxScale: Float = 0, amax: Float = 0
    for j in 0..<16 {
        scales[j] = makeQ3Quants(16, 4, x + 16 * j, signed + 16 * j)
        let scale = abs(scales[j])
        if scale > amax { amax = scale; maxScale = scales[j] }
    }
    let packedScales = y + 96
    for j in 0..<12 { packedScales.storeBytes(of: 0, toByteOffset: j, as: UInt8.self) }
    if maxScale != 0 {
        let iscale = -32 / maxScale
        for j in 0..<16 {
            var l = Int8(truncatingIfNeeded: nearestInt(iscale * scales[j]))
            l = Swift.max(-32, Swift.min(31, l)) + 32
            let u = UInt8(bitPattern: l)
            if j < 8 {
                packedScales.storeBytes(of: u & 0xF, toByteOffset: j, as: UInt8.self)
            } else {
                let old = packedScales.load(fromByteOffset: j - 8, as: UInt8.self)
                packedScales.storeBytes(of: old | (u & 0xF) << 4, toByteOffset: j - 8, as: UInt8.self)
            }
            let high = packedScales.load(fromByteOffset: 8 + j % 4, as: UInt8.self)
            packedScales.storeBytes(of: high | (u >> 4) << (2 * (j / 4)), toByteOffset: 8 + j % 4, as: UInt8.self)
        }
        storeHalf(1 / iscale, y, 108)
    } else {
        storeHalf(0, y, 108)
    }
    let dAll = loadHalf(y, 108)
    for j in 0..<16 {
        let low = j < 8 ? packedScales.load(fromByteOffset: j, as: UInt8.self) & 0xF
                        : packedScales.load(fromByteOffset: j - 8, as: UInt8.self) >> 4
        let high = (packedScales.load(fromByteOffset: 8 + j % 4, as: UInt8.self) >> (2 * (j / 4))) & 3
        let sc = Int32(low | high << 4) - 32
        let d = dAll * Float(sc)
        if d == 0 { continue }
        for ii in 0..<16 {
            let l = Swift.max(-4, Swift.min(3, nearestInt(x[16 * j + ii] / d)))
            signed[16 * j + ii] = Int8(truncatingIfNeeded: l + 4)
        }
    }
    // High bit of level j goes to bit (j / 32) of hmask[j % 32].
    let levels = scratch.levels
    for j in 0..<32 { y.storeBytes(of: 0, toByteOffset: j, as: UInt8.self) }
    for j in 0..<256 {
        var l = UInt8(bitPattern: signed[j])
        if l > 3 {
            let m = j % 32
            let old = y.load(fromByteOffset: m, as: UInt8.self)
            y.storeBytes(of: old | UInt8(1) << (j / 32), toByteOffset: m, as: UInt8.self)
            l -= 4
        }
        levels[j] = l
    }
    packTwoBitLevels(levels, into: y + 32)
}

/// Packs 256 two-bit levels into 64 bytes: byte 32·h + l holds levels 128h + l + 32k at bits 2k.
@inline(__always)
func packTwoBitLevels(_ levels: UnsafeMutablePointer<UInt8>, into qs: UnsafeMutableRawPointer) {
    for j in stride(from: 0, to: 256, by: 128) {
        for l in 0..<32 {
            let byte = levels[j + l] | levels[j + l + 32] << 2 | levels[j + l + 64] << 4 | levels[j + l + 96] << 6
            qs.storeBytes(of: byte, toByteOffset: j / 4 + l, as: UInt8.self)
        }
    }
}
