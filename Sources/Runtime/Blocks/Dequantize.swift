// Scalar dequantization of every supported GGML type: the reference the fast kernels are tested
// against (ggml's `dequantize_row_*`), written per output element straight from docs/gguf.md.

/// The tensor types the runtime can compute with.
let supportedWeightTypes: Set<GGMLType> = [
    .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K,
]

/// Dequantizes `count` elements (a whole number of blocks) from ggml blocks at `src` into `dst`.
/// - Returns: false when the type is unsupported or `count` is not a multiple of the block size.
@discardableResult
func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    guard supportedWeightTypes.contains(type), count % type.blockSize == 0 else { return false }
    let qk = type.blockSize
    for b in 0..<count / qk {
        dequantizeBlock(type, src + b * type.blockBytes, dst + b * qk)
    }
    return true
}

/// Dequantizes one block of a supported type (`type.blockSize` outputs).
func dequantizeBlock(_ type: GGMLType, _ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let u8 = { (o: Int) in x.load(fromByteOffset: o, as: UInt8.self) }
    let lo = { (o: Int) in Int32(u8(o) & 0x0F) }
    let hi = { (o: Int) in Int32(u8(o) >> 4) }
    switch type {
    case .f32:
        y[0] = x.loadUnaligned(as: Float.self)
    case .f16:
        y[0] = x.half(at: 0)
    case .bf16:
        y[0] = bfloat16ToFloat(x.loadUnaligned(as: UInt16.self))
    case .q4_0:
        let d = x.half(at: BlockLayout.Q4_0.d), qs = BlockLayout.Q4_0.qs
        for j in 0..<16 {
            y[j] = Float(lo(qs + j) - 8) * d
            y[j + 16] = Float(hi(qs + j) - 8) * d
        }
    case .q4_1:
        let d = x.half(at: BlockLayout.Q4_1.d), m = x.half(at: BlockLayout.Q4_1.m), qs = BlockLayout.Q4_1.qs
        for j in 0..<16 {
            y[j] = Float(lo(qs + j)) * d + m
            y[j + 16] = Float(hi(qs + j)) * d + m
        }
    case .q5_0, .q5_1:
        let isQ5_0 = type == .q5_0
        let d = x.half(at: 0)
        let m: Float = isQ5_0 ? 0 : x.half(at: BlockLayout.Q5_1.m)
        let h = x.loadUnaligned(fromByteOffset: isQ5_0 ? BlockLayout.Q5_0.qh : BlockLayout.Q5_1.qh, as: UInt32.self)
        let qs = isQ5_0 ? BlockLayout.Q5_0.qs : BlockLayout.Q5_1.qs
        let offset: Int32 = isQ5_0 ? 16 : 0
        for j in 0..<16 {
            let q0 = lo(qs + j) | Int32((h >> j) & 1) << 4
            let q1 = hi(qs + j) | Int32((h >> (j + 16)) & 1) << 4
            y[j] = Float(q0 - offset) * d + m
            y[j + 16] = Float(q1 - offset) * d + m
        }
    case .q8_0:
        let d = x.half(at: BlockLayout.Q8_0.d)
        for j in 0..<32 { y[j] = Float(x.load(fromByteOffset: BlockLayout.Q8_0.qs + j, as: Int8.self)) * d }
    case .q2_K:
        let L = BlockLayout.Q2_K.self
        let d = x.half(at: L.d), dmin = x.half(at: L.dmin)
        for o in 0..<256 {
            let (h, j, l, s) = (o / 128, (o % 128) / 32, o % 32, o / 16)
            let sc = u8(L.scales + s)
            let q = (u8(L.qs + 32 * h + l) >> (2 * j)) & 3
            y[o] = d * Float(sc & 15) * Float(q) - dmin * Float(sc >> 4)
        }
    case .q3_K:
        let L = BlockLayout.Q3_K.self
        let d = x.half(at: L.d)
        for o in 0..<256 {
            let (h, j, l, s) = (o / 128, (o % 128) / 32, o % 32, o / 16)
            var q = Int32((u8(L.qs + 32 * h + l) >> (2 * j)) & 3)
            if u8(L.hmask + l) & (1 << (4 * h + j)) == 0 { q -= 4 }
            y[o] = d * Float(q3KScale(x + L.scales, s)) * Float(q)
        }
    case .q4_K, .q5_K:
        let isQ4 = type == .q4_K
        let d = x.half(at: 0), dmin = x.half(at: 2)
        let qs = isQ4 ? BlockLayout.Q4_K.qs : BlockLayout.Q5_K.qs
        for o in 0..<256 {
            let (c, l, k) = (o / 64, o % 32, o / 32)
            let (sc, mn) = kQuantScaleMin(x + BlockLayout.Q4_K.scales, k)
            var n = o % 64 < 32 ? lo(qs + 32 * c + l) : hi(qs + 32 * c + l)
            if !isQ4 && u8(BlockLayout.Q5_K.qh + l) & (1 << k) != 0 { n += 16 }
            y[o] = d * Float(sc) * Float(n) - dmin * Float(mn)
        }
    case .q6_K:
        let L = BlockLayout.Q6_K.self
        let d = x.half(at: L.d)
        for o in 0..<256 {
            let (h, r, s) = (o / 128, o % 128, o / 16)
            let (g, l) = (r / 32, r % 32)
            let lowByte = L.ql + 64 * h + l + 32 * (g & 1)
            let low = g < 2 ? lo(lowByte) : hi(lowByte)
            let high = Int32((u8(L.qh + 32 * h + l) >> (2 * g)) & 3)
            let scale = Float(x.load(fromByteOffset: L.scales + s, as: Int8.self))
            y[o] = d * scale * Float((low | high << 4) - 32)
        }
    default:
        break
    }
}
