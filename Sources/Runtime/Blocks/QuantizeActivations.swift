// Activation quantization to 8-bit blocks, as llama.cpp's CPU backend does before integer dot
// products: q8_0 and q8_1 follow the AVX2 `quantize_row_q8_0/1` (id = 127/amax, round to nearest
// even), q8_K follows `quantize_row_q8_K_ref` (signed max, iscale = -127/max).

// `nearestInt` (ggml's `nearest_int`) lives in Blocks/QuantRounding.swift, shared with the weight quantizers.

/// Quantizes `count` floats (a multiple of 32) into ggml Q8_0 blocks at `dst` (34 B each).
func quantizeRowQ8_0(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    quantizeRowQ8(x, dst, count: count, blockBytes: 34, withSum: false)
}

/// Quantizes `count` floats (a multiple of 32) into ggml Q8_1 blocks at `dst` (36 B each).
func quantizeRowQ8_1(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    quantizeRowQ8(x, dst, count: count, blockBytes: 36, withSum: true)
}

private func quantizeRowQ8(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int, blockBytes: Int, withSum: Bool) {
    let qsOffset = withSum ? BlockLayout.Q8_1.qs : BlockLayout.Q8_0.qs
    for b in 0..<count / 32 {
        let xb = x + 32 * b, yb = dst + blockBytes * b
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(xb[j])) }
        let d = amax / 127
        let id: Float = amax != 0 ? 127 / amax : 0
        var sum: Int32 = 0
        for j in 0..<32 {
            let q = nearestInt(xb[j] * id)
            sum &+= q   // wraps instead of trapping when a NaN or Inf input made `q` garbage
            yb.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: qsOffset + j, as: Int8.self)
        }
        yb.storeBytes(of: floatToHalf(d), toByteOffset: 0, as: UInt16.self)
        if withSum { yb.storeBytes(of: floatToHalf(d * Float(sum)), toByteOffset: BlockLayout.Q8_1.s, as: UInt16.self) }
    }
}

/// Quantizes `count` floats (a multiple of 256) into ggml Q8_K blocks at `dst` (292 B each).
func quantizeRowQ8_K(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
    let L = BlockLayout.Q8_K.self
    for b in 0..<count / 256 {
        let xb = x + 256 * b, yb = dst + 292 * b
        var amax: Float = 0, signedMax: Float = 0
        for j in 0..<256 where abs(xb[j]) > amax { amax = abs(xb[j]); signedMax = xb[j] }
        guard amax != 0 else {
            (yb).initializeMemory(as: UInt8.self, repeating: 0, count: 292)
            continue
        }
        let iscale = -127 / signedMax
        for j in 0..<256 {
            let q = min(127, nearestInt(iscale * xb[j]))
            yb.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: L.qs + j, as: Int8.self)
        }
        for g in 0..<16 {
            var s: Int16 = 0
            for j in 0..<16 { s += Int16(yb.load(fromByteOffset: L.qs + 16 * g + j, as: Int8.self)) }
            yb.storeBytes(of: s, toByteOffset: L.bsums + 2 * g, as: Int16.self)
        }
        yb.storeBytes(of: 1 / iscale, toByteOffset: L.d, as: Float.self)
    }
}

/// Dequantizes activation blocks (Q8_0, Q8_1 or Q8_K) back to floats: what the integer dot products see.
func dequantizeActivations(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    switch type {
    case .q8_K:
        for b in 0..<count / 256 {
            let d = src.loadUnaligned(fromByteOffset: 292 * b, as: Float.self)
            for j in 0..<256 { dst[256 * b + j] = d * Float(src.load(fromByteOffset: 292 * b + 4 + j, as: Int8.self)) }
        }
    default:
        let (bytes, qs) = type == .q8_1 ? (36, BlockLayout.Q8_1.qs) : (34, BlockLayout.Q8_0.qs)
        for b in 0..<count / 32 {
            let d = src.half(at: bytes * b)
            for j in 0..<32 { dst[32 * b + j] = d * Float(src.load(fromByteOffset: bytes * b + qs + j, as: Int8.self)) }
        }
    }
}
