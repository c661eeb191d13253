// The 32-element block quantizers, following ggml's quantize_row_*_ref exactly (same float
// operations in the same order), so the bytes match llama-quantize without an imatrix.
// Each function quantizes one block of 32 floats at `x` into the packed block at `y`.

/// Q4_0 (18 B): f16 d, 16 bytes of nibbles. d = (signed value of largest magnitude) / -8.
@inline(__always)
func quantizeBlockQ4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    let max = signedMaxMagnitude(x, 32).value
    let d = max / -8
    let id: Float = d != 0 ? 1 / d : 0
    storeHalf(d, y, 0)
    for j in 0..<16 {
        let x0 = x[j] * id, x1 = x[16 + j] * id
        let q0 = Swift.min(15, Int8(truncatingIfNeeded: truncatingToInt32(x0 + 8.5)))
        let q1 = Swift.min(15, Int8(truncatingIfNeeded: truncatingToInt32(x1 + 8.5)))
        y.storeBytes(of: UInt8(truncatingIfNeeded: q0) | UInt8(truncatingIfNeeded: q1) << 4, toByteOffset: 2 + j, as: UInt8.self)
    }
}

/// Q4_1 (20 B): f16 d, f16 m, 16 bytes of nibbles; y = q·d + m with m the block minimum.
@inline(__always)
func quantizeBlockQ4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    let (min, max) = blockRange(x)
    let d = (max - min) / 15
    let id: Float = d != 0 ? 1 / d : 0
    storeHalf(d, y, 0)
    storeHalf(min, y, 2)
    for j in 0..<16 {
        let x0 = (x[j] - min) * id, x1 = (x[16 + j] - min) * id
        let q0 = Swift.min(15, Int8(truncatingIfNeeded: truncatingToInt32(x0 + 0.5)))
        let q1 = Swift.min(15, Int8(truncatingIfNeeded: truncatingToInt32(x1 + 0.5)))
        y.storeBytes(of: UInt8(truncatingIfNeeded: q0) | UInt8(truncatingIfNeeded: q1) << 4, toByteOffset: 4 + j, as: UInt8.self)
    }
}

/// Q5_0 (22 B): f16 d, u32 of fifth bits, 16 bytes of nibbles. d = (signed max-magnitude value) / -16.
@inline(__always)
func quantizeBlockQ5_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    let max = signedMaxMagnitude(x, 32).value
    let d = max / -16
    let id: Float = d != 0 ? 1 / d : 0
    storeHalf(d, y, 0)
    var qh: UInt32 = 0
    for j in 0..<16 {
        let x0 = x[j] * id, x1 = x[16 + j] * id
        let q0 = UInt8(truncatingIfNeeded: Swift.min(31, Int8(truncatingIfNeeded: truncatingToInt32(x0 + 16.5))))
        let q1 = UInt8(truncatingIfNeeded: Swift.min(31, Int8(truncatingIfNeeded: truncatingToInt32(x1 + 16.5))))
        storeFiveBitPair(q0, q1, j, y + 6, &qh)
    }
    y.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
}

/// Q5_1 (24 B): f16 d, f16 m, u32 of fifth bits, 16 bytes of nibbles.
@inline(__always)
func quantizeBlockQ5_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    let (min, max) = blockRange(x)
    let d = (max - min) / 31
    let id: Float = d != 0 ? 1 / d : 0
    storeHalf(d, y, 0)
    storeHalf(min, y, 2)
    var qh: UInt32 = 0
    for j in 0..<16 {
        let x0 = (x[j] - min) * id, x1 = (x[16 + j] - min) * id
        let q0 = UInt8(truncatingIfNeeded: truncatingToInt32(x0 + 0.5))
        let q1 = UInt8(truncatingIfNeeded: truncatingToInt32(x1 + 0.5))
        storeFiveBitPair(q0, q1, j, y + 8, &qh)
    }
    y.storeBytes(of: qh.littleEndian, toByteOffset: 4, as: UInt32.self)
}

/// Q8_0 (34 B): f16 d = amax/127, 32 signed bytes rounded half away from zero (C's roundf).
@inline(__always)
func quantizeBlockQ8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    var amax: Float = 0
    for j in 0..<32 {
        let v = abs(x[j])
        amax = amax > v ? amax : v                  // ggml's MAX(a, b), operand order included
    }
    let d = amax / 127
    let id: Float = d != 0 ? 1 / d : 0
    storeHalf(d, y, 0)
    for j in 0..<32 {
        let q = Int8(truncatingIfNeeded: roundedAwayFromZero(x[j] * id))
        y.storeBytes(of: q, toByteOffset: 2 + j, as: Int8.self)
    }
}

/// Minimum and maximum of a 32-element block, starting from ±FLT_MAX as ggml does.
@inline(__always)
private func blockRange(_ x: UnsafePointer<Float>) -> (min: Float, max: Float) {
    var min = Float.greatestFiniteMagnitude, max = -Float.greatestFiniteMagnitude
    for j in 0..<32 {
        let v = x[j]
        if v < min { min = v }
        if v > max { max = v }
    }
    return (min, max)
}

/// Stores the low nibbles of levels j and j+16 in qs[j] and collects their fifth bits in `qh`.
@inline(__always)
private func storeFiveBitPair(_ q0: UInt8, _ q1: UInt8, _ j: Int, _ qs: UnsafeMutableRawPointer, _ qh: inout UInt32) {
    qs.storeBytes(of: (q0 & 0x0F) | (q1 & 0x0F) << 4, toByteOffset: j, as: UInt8.self)
    qh |= UInt32((q0 & 0x10) >> 4) << j
    qh |= UInt32((q1 & 0x10) >> 4) << (j + 16)
}
