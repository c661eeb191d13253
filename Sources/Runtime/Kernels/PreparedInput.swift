// One input vector (or a batch of them) prepared once for every matrix that reads it: quantized to
// q8 blocks of 32 like llama.cpp, then rearranged into the i16 planes the integer kernels multiply
// against. Everything stays in L1/L2; no allocation per token.

/// Inputs of `columns` elements for up to `capacity` tokens, in the layouts the kernels read.
/// Columns are padded to a multiple of 128 with zeros, so kernels need no tail loops.
final class PreparedBatch: @unchecked Sendable {
    let columns: Int
    let paddedColumns: Int
    let capacity: Int
    private(set) var count = 0
    let tokenStride: Int            // bytes between tokens
    // Byte offsets inside one token's area.
    let floatsOffset: Int           // Float[padded]: the input itself
    let nibblePlanesOffset: Int     // per 128 elements: 4 × SIMD32<Int16> (xa, xb, xc, xd), see DotNibbles
    let int8PlanesOffset: Int       // per 64 elements: 2 × SIMD32<Int16> (even, odd bytes), see DotInt8
    let scalesOffset: Int           // Float[padded/32]: q8 block scale d (f16-rounded)
    let sumsOffset: Int             // Float[padded/32]: f16(d·Σq), ggml's q8_1 `s`
    let sums16Offset: Int           // Float[padded/16]: d·Σq over 16 elements
    let sums32Offset: Int           // Float[padded/32]: d·Σq over 32 elements (full precision)
    let quantsOffset: Int           // Int8[padded]
    let storage: AlignedBuffer

    init(columns: Int, capacity: Int) {
        self.columns = columns
        self.capacity = max(capacity, 1)
        paddedColumns = (columns + 127) / 128 * 128
        let p = paddedColumns
        floatsOffset = 0
        nibblePlanesOffset = floatsOffset + 4 * p
        int8PlanesOffset = nibblePlanesOffset + 2 * p
        scalesOffset = int8PlanesOffset + 2 * p
        sumsOffset = scalesOffset + p / 8
        sums16Offset = sumsOffset + p / 8
        sums32Offset = sums16Offset + p / 4
        quantsOffset = sums32Offset + p / 8
        tokenStride = (quantsOffset + p + 63) / 64 * 64
        storage = AlignedBuffer(bytes: tokenStride * self.capacity)
    }

    /// The base of token `t`'s area.
    @inline(__always)
    func token(_ t: Int) -> UnsafeMutableRawPointer { storage.base + t * tokenStride }

    /// Prepares `count` tokens whose inputs are rows of `x` (`stride` floats apart).
    func prepare(_ x: UnsafePointer<Float>, count: Int, stride: Int) {
        precondition(count <= capacity, "batch larger than its capacity")
        self.count = count
        for t in 0..<count { prepareToken(t, x + t * stride) }
    }

    private func prepareToken(_ t: Int, _ x: UnsafePointer<Float>) {
        let base = token(t)
        let floats = (base + floatsOffset).assumingMemoryBound(to: Float.self)
        floats.update(from: x, count: columns)
        (floats + columns).update(repeating: 0, count: paddedColumns - columns)
        let q = (base + quantsOffset).assumingMemoryBound(to: Int8.self)
        let d = (base + scalesOffset).assumingMemoryBound(to: Float.self)
        let s = (base + sumsOffset).assumingMemoryBound(to: Float.self)
        let s16 = (base + sums16Offset).assumingMemoryBound(to: Float.self)
        let s32 = (base + sums32Offset).assumingMemoryBound(to: Float.self)
        let raw = UnsafeRawPointer(floats)
        for b in 0..<paddedColumns / 32 {
            let lo = raw.loadUnaligned(fromByteOffset: 128 * b, as: SIMD16<Float>.self)
            let hi = raw.loadUnaligned(fromByteOffset: 128 * b + 64, as: SIMD16<Float>.self)
            let absBits = (unsafeBitCast(lo, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF)
            let absBitsHi = (unsafeBitCast(hi, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF)
            // Non-negative floats order like their bit patterns.
            let amaxBits = absBits.replacing(with: absBitsHi, where: absBitsHi .> absBits).max()
            let amax = Float(bitPattern: amaxBits)
            let id: Float = amax != 0 ? 127 / amax : 0
            let ql = roundToInt(lo * id), qh = roundToInt(hi * id)
            for j in 0..<16 {
                q[32 * b + j] = Int8(truncatingIfNeeded: ql[j])
                q[32 * b + 16 + j] = Int8(truncatingIfNeeded: qh[j])
            }
            let dq = halfToFloat(floatToHalf(amax / 127))
            let sumLo = ql.wrappedSum(), sumHi = qh.wrappedSum()
            d[b] = dq
            s[b] = halfToFloat(floatToHalf(amax / 127 * Float(sumLo + sumHi)))
            s16[2 * b] = dq * Float(sumLo)
            s16[2 * b + 1] = dq * Float(sumHi)
            s32[b] = dq * Float(sumLo + sumHi)
        }
        let nib = (base + nibblePlanesOffset).assumingMemoryBound(to: Int16.self)
        for c in 0..<paddedColumns / 128 {
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
        let i8p = (base + int8PlanesOffset).assumingMemoryBound(to: Int16.self)
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
}

/// Round to nearest even via the 1.5·2^23 trick (exact for |v| ≤ 127.5).
@inline(__always)
private func roundToInt(_ v: SIMD16<Float>) -> SIMD16<Int32> {
    let shifted = v + SIMD16<Float>(repeating: 12_582_912)
    return unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
}
