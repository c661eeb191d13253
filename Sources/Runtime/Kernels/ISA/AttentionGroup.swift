#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Decode attention (one query row) of the query heads of one or more KV heads, over a range of key positions,
// with ggml's one-chunk arithmetic (`attendOnline`, bit for bit per head) but arranged for speed at long
// context. The positions go in blocks of `groupBlock`: the scores of the block for every head (each K row
// widened as it is loaded, once per head), then the running max and sum (glibc's expf as vectors,
// LibmExp.swift; the portable variant calls expf with no vector state live across the calls), then the V rows
// accumulated into each head's f16-rounded accumulator, kept in registers across the block, two heads at a
// time. Per head and key that is the per-head kernel's work without its round trips through memory; what is
// left is arithmetic, not memory traffic (at 4,096 positions SmolLM2's K/V stream in a fifth of the time).
// A range can be one chunk of a split (flash decoding): the chunk then leaves its running max, sum and
// accumulator as a partial, and `mergePartials` combines the chunks as ggml's split-KV path does.

/// Positions per block of `attendGroup`.
let groupBlock = 32

/// Floats of scratch `attendGroup` needs for `heads` heads of `hd` dimensions.
@inline(__always)
func attendGroupScratchCount(heads: Int, hd: Int) -> Int { 64 + heads * (2 * hd + 3 * groupBlock + 2) + hd }

/// Floats of one head's partial result: running max M, sum S, then the hd accumulator values.
@inline(__always)
func partialCount(hd: Int) -> Int { 2 + hd }

/// `groups` KV heads (hd halves each, consecutive in a row at `keys`/`values`) with `heads` query heads each
/// (hd floats each, consecutive at `q`, the heads of KV head 0 first) against keys/values at positions `range`
/// (rows `stride` halves apart). With `partial` false, writes each head's attention output (hd floats,
/// consecutive at `out`); with `partial` true, writes each head's (M, S, accumulator) as `partialCount(hd)`
/// floats. Per head, the result equals `attendOnline` over the same range bit for bit. With several KV heads a
/// block of positions goes through each of them before the next block (the model passes one KV head per call
/// unless that would leave workers idle: it measured faster).
@inline(__always)
func attendGroup(_ q: UnsafePointer<Float>, heads perGroup: Int, groups: Int, _ keys: UnsafePointer<Float16>,
                 _ values: UnsafePointer<Float16>, stride rowStride: Int, range: Range<Int>, scale: Float, softcap: Float, hd: Int,
                 partial: Bool, scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
    let heads = perGroup * groups
    // libmExpf's table first (32 8-byte values in the first 64 floats).
    let expTable = UnsafeMutableRawPointer(scratch)
    #if ISA_FMA
    writeExpTable(expTable)
    #endif
    let qf = scratch + 64, acc = qf + heads * hd, row = acc + heads * hd
    let scores = row + hd, rescales = scores + heads * groupBlock, weights = rescales + heads * groupBlock
    let maxima = weights + heads * groupBlock, sums = maxima + heads
    // ggml rounds q to f16 once (q_to_vec_dot); the dot then widens both sides.
    for i in 0..<heads * hd { qf[i] = Float(Float16(q[i])) }
    acc.update(repeating: 0, count: heads * hd)
    let capped = softcap != 0, scale = capped ? scale / softcap : scale
    maxima.update(repeating: -.infinity, count: heads)
    sums.update(repeating: 0, count: heads)
    var start = range.lowerBound
    while start < range.upperBound {
        let n = min(groupBlock, range.upperBound - start)
        // Scores: every head's query dotted with each key row (ggml's dot order, `ggmlDotOrder`).
        for g in 0..<groups {
            let first = g * perGroup, groupKeys = keys + g * hd + start * rowStride
            if hd % 64 == 0 {
                blockScores(qf + first * hd, heads: perGroup, groupKeys, stride: rowStride, count: n, hd: hd,
                            into: scores + first * groupBlock)
            } else {
                for j in 0..<n {
                    widenRow(groupKeys + j * rowStride, hd, into: row)
                    for h in first..<first + perGroup { scores[h * groupBlock + j] = dotFloatFloat(qf + h * hd, row, hd) }
                }
            }
        }
        for h in 0..<heads {
            for j in 0..<n {
                var score = scores[h * groupBlock + j] * scale
                if capped { score = softcap * tanhf(score) }
                scores[h * groupBlock + j] = score
            }
        }
        // The running max and sum per head: rescale factor (1 when the max holds) and the weight of each key.
        for h in 0..<heads {
            let hs = scores + h * groupBlock, hm = rescales + h * groupBlock, hw = weights + h * groupBlock
            var maxScore = maxima[h], sum = sums[h]
            #if ISA_FMA
            // Each key's one exp is e^(M − s) on a new max (the rescale) or e^(s − M) (its weight), M the running
            // max before it: the arguments first, then all exps of the block as vectors (glibc's expf, exactly).
            var running = maxScore
            for j in 0..<n {
                let score = hs[j]
                hm[j] = score > running ? running - score : score - running
                if score > running { running = score }
            }
            let rm = UnsafeMutableRawPointer(hm), rw = UnsafeMutableRawPointer(hw)
            for j in Swift.stride(from: 0, to: n, by: 16) {
                rw.storeBytes(of: libmExpf(rm.loadUnaligned(fromByteOffset: 4 * j, as: SIMD16<Float>.self), table: expTable), toByteOffset: 4 * j,
                              as: SIMD16<Float>.self)
            }
            for j in 0..<n {
                let score = hs[j], e = hw[j]
                var ms: Float = 1, vs: Float = 1
                if score > maxScore {
                    ms = e
                    maxScore = score
                } else {
                    vs = e
                }
                sum = vs.addingProduct(sum, ms)
                hm[j] = ms
                hw[j] = vs
            }
            #else
            for j in 0..<n {
                let score = hs[j]
                var ms: Float = 1, vs: Float = 1
                if score > maxScore {
                    ms = expf(maxScore - score)
                    maxScore = score
                } else {
                    vs = expf(score - maxScore)
                }
                sum = vs.addingProduct(sum, ms)
                hm[j] = ms
                hw[j] = vs
            }
            #endif
            maxima[h] = maxScore
            sums[h] = sum
        }
        for g in 0..<groups {
            let first = g * perGroup
            accumulateValues(acc + first * hd, heads: perGroup, values + g * hd + start * rowStride, stride: rowStride, count: n,
                             rescales: rescales + first * groupBlock, weights: weights + first * groupBlock, hd: hd)
        }
        start += n
    }
    for h in 0..<heads {
        if partial {
            let p = out + h * partialCount(hd: hd)
            p[0] = maxima[h]
            p[1] = sums[h]
            (p + 2).update(from: acc + h * hd, count: hd)
        } else {
            let inverse: Float = sums[h] == 0 ? 0 : 1 / sums[h]
            for i in 0..<hd { out[h * hd + i] = acc[h * hd + i] * inverse }
        }
    }
}

/// Combines `count` partials of one head (`stride` floats apart) into its attention output (hd floats) as
/// ggml's split-KV reduction does: chunks in order, empty ones (S = 0) skipped, M' = max(M, Mc),
/// acc = acc·e^(M − M') + (accc·e^(Mc − M')) with the product of the old side fused, S alike, then acc / S.
@inline(__always)
func mergePartials(_ partials: UnsafePointer<Float>, count: Int, stride: Int, hd: Int, out: UnsafeMutablePointer<Float>) {
    out.update(repeating: 0, count: hd)
    var maxScore = -Float.infinity, sum: Float = 0
    for c in 0..<count {
        let p = partials + c * stride
        let chunkMax = p[0], chunkSum = p[1]
        if chunkSum == 0 { continue }
        let newMax = max(maxScore, chunkMax)
        let oldScale = expf(maxScore - newMax), newScale = expf(chunkMax - newMax)
        for i in 0..<hd { out[i] = (p[2 + i] * newScale).addingProduct(out[i], oldScale) }
        sum = (chunkSum * newScale).addingProduct(sum, oldScale)
        maxScore = newMax
    }
    if sum != 0 {
        let inverse = 1 / sum
        for i in 0..<hd { out[i] *= inverse }
    }
}

/// Every head's accumulator (f32 lanes holding f16 values) advanced over `n` value rows: per row, rescaled where
/// the head's max rose (ggml_vec_scale_f16; a factor of 1 changes nothing), then acc = f16(acc + w·v)
/// (ggml_vec_mad_f16). 64 dimensions of one head stay in registers across the rows, so each row costs a
/// dependent fma and f16 rounding per vector instead of a round trip through memory; the f16 V rows are read
/// straight from the cache (they are in L1 after the first head).
@inline(__always)
private func accumulateValues(_ acc: UnsafeMutablePointer<Float>, heads: Int, _ values: UnsafePointer<Float16>, stride: Int,
                              count n: Int, rescales: UnsafePointer<Float>, weights: UnsafePointer<Float>, hd: Int) {
    let ra = UnsafeMutableRawPointer(acc), rv = UnsafeRawPointer(values)
    var h = 0
    while h + 2 <= heads && hd % 64 == 0 {
        accumulatePair(ra + 4 * h * hd, rv, stride: stride, count: n, rescales + h * groupBlock, weights + h * groupBlock, hd: hd)
        h += 2
    }
    while h < heads {
        defer { h += 1 }
        let hm = rescales + h * groupBlock, hw = weights + h * groupBlock
        var i = 0
        while i + 64 <= hd {
            let base = 4 * (h * hd + i)
            var a = Slab(ra, at: base)
            for j in 0..<n {
                a.rescale(hm[j])
                a.add(Slab(widening: rv, at: 2 * (j * stride + i)), times: hw[j])
            }
            a.store(ra, at: base)
            i += 64
        }
        while i < hd {   // the last dimensions, 16 at a time
            let base = 4 * (h * hd + i)
            var a = ra.loadUnaligned(fromByteOffset: base, as: SIMD16<Float>.self)
            for j in 0..<n {
                let ms = hm[j]
                if ms != 1 { a = roundedToHalf(a * SIMD16<Float>(repeating: ms)) }
                let v = halfToFloat16(rv.loadUnaligned(fromByteOffset: 2 * (j * stride + i), as: SIMD16<Float16>.self))
                a = roundedToHalf(multiplyAdd(a, v, SIMD16<Float>(repeating: hw[j])))
            }
            ra.storeBytes(of: a, toByteOffset: base, as: SIMD16<Float>.self)
            i += 16
        }
    }
}

/// scores[h·groupBlock + j] = q_h · k_j for `n` key rows (`stride` halves apart) and every head, hd a multiple of 64:
/// the dot of `ggmlDotOrder` (4 accumulators over each 64 dimensions, reduced as (0+2)+(1+3), then across
/// lanes) with the f16 keys widened as they are loaded, so nothing goes through a row buffer.
@inline(__always)
private func blockScores(_ qf: UnsafePointer<Float>, heads: Int, _ keys: UnsafePointer<Float16>, stride: Int, count n: Int, hd: Int,
                         into scores: UnsafeMutablePointer<Float>) {
    let rk = UnsafeRawPointer(keys)
    for j in 0..<n {
        let row = 2 * j * stride
        for h in 0..<heads {
            let rq = UnsafeRawPointer(qf + h * hd)
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var i = 0
            while i < hd {
                a0 = multiplyAdd(a0, rq.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self),
                                 halfToFloat16(rk.loadUnaligned(fromByteOffset: row + 2 * i, as: SIMD16<Float16>.self)))
                a1 = multiplyAdd(a1, rq.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self),
                                 halfToFloat16(rk.loadUnaligned(fromByteOffset: row + 2 * i + 32, as: SIMD16<Float16>.self)))
                a2 = multiplyAdd(a2, rq.loadUnaligned(fromByteOffset: 4 * i + 128, as: SIMD16<Float>.self),
                                 halfToFloat16(rk.loadUnaligned(fromByteOffset: row + 2 * i + 64, as: SIMD16<Float16>.self)))
                a3 = multiplyAdd(a3, rq.loadUnaligned(fromByteOffset: 4 * i + 192, as: SIMD16<Float>.self),
                                 halfToFloat16(rk.loadUnaligned(fromByteOffset: row + 2 * i + 96, as: SIMD16<Float16>.self)))
                i += 64
            }
            scores[h * groupBlock + j] = horizontalSum((a0 + a2) + (a1 + a3))
        }
    }
}

/// `accumulateValues` for two heads at once (accumulators at `ra`, hd floats apart; hd a multiple of 64): 8
/// independent rounding chains per row, and each V vector widened once for both.
@inline(__always)
private func accumulatePair(_ ra: UnsafeMutableRawPointer, _ rv: UnsafeRawPointer, stride: Int, count n: Int,
                            _ rescales: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, hd: Int) {
    let second = 4 * hd
    for i in Swift.stride(from: 0, to: hd, by: 64) {
        var a = Slab(ra, at: 4 * i), b = Slab(ra, at: second + 4 * i)
        for j in 0..<n {
            a.rescale(rescales[j])
            b.rescale(rescales[groupBlock + j])
            Slab.add(Slab(widening: rv, at: 2 * (j * stride + i)), times: weights[j], to: &a, times: weights[groupBlock + j], to: &b)
        }
        a.store(ra, at: 4 * i)
        b.store(ra, at: second + 4 * i)
    }
}

/// 64 lanes of a head's accumulator (f32 holding f16 values) or of a widened V row, in registers.
private struct Slab {
    var a0: SIMD16<Float>, a1: SIMD16<Float>, a2: SIMD16<Float>, a3: SIMD16<Float>

    /// 64 floats at byte `offset` of `r`.
    @inline(__always)
    init(_ r: UnsafeRawPointer, at offset: Int) {
        a0 = r.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
        a1 = r.loadUnaligned(fromByteOffset: offset + 64, as: SIMD16<Float>.self)
        a2 = r.loadUnaligned(fromByteOffset: offset + 128, as: SIMD16<Float>.self)
        a3 = r.loadUnaligned(fromByteOffset: offset + 192, as: SIMD16<Float>.self)
    }

    /// 64 halves at byte `offset` of `r`, widened.
    @inline(__always)
    init(widening r: UnsafeRawPointer, at offset: Int) {
        a0 = halfToFloat16(r.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float16>.self))
        a1 = halfToFloat16(r.loadUnaligned(fromByteOffset: offset + 32, as: SIMD16<Float16>.self))
        a2 = halfToFloat16(r.loadUnaligned(fromByteOffset: offset + 64, as: SIMD16<Float16>.self))
        a3 = halfToFloat16(r.loadUnaligned(fromByteOffset: offset + 96, as: SIMD16<Float16>.self))
    }

    @inline(__always)
    func store(_ r: UnsafeMutableRawPointer, at offset: Int) {
        r.storeBytes(of: a0, toByteOffset: offset, as: SIMD16<Float>.self)
        r.storeBytes(of: a1, toByteOffset: offset + 64, as: SIMD16<Float>.self)
        r.storeBytes(of: a2, toByteOffset: offset + 128, as: SIMD16<Float>.self)
        r.storeBytes(of: a3, toByteOffset: offset + 192, as: SIMD16<Float>.self)
    }

    /// acc = f16(acc·m) where the head's max rose (ggml_vec_scale_f16); a factor of 1 changes nothing.
    @inline(__always)
    mutating func rescale(_ m: Float) {
        guard m != 1 else { return }
        let s = SIMD16<Float>(repeating: m)
        a0 = roundedToHalf(a0 * s)
        a1 = roundedToHalf(a1 * s)
        a2 = roundedToHalf(a2 * s)
        a3 = roundedToHalf(a3 * s)
    }

    /// `add` into two accumulators, the 8 rounding chains interleaved.
    @inline(__always)
    static func add(_ v: Slab, times wa: Float, to a: inout Slab, times wb: Float, to b: inout Slab) {
        let sa = SIMD16<Float>(repeating: wa), sb = SIMD16<Float>(repeating: wb)
        a.a0 = roundedToHalf(multiplyAdd(a.a0, v.a0, sa))
        b.a0 = roundedToHalf(multiplyAdd(b.a0, v.a0, sb))
        a.a1 = roundedToHalf(multiplyAdd(a.a1, v.a1, sa))
        b.a1 = roundedToHalf(multiplyAdd(b.a1, v.a1, sb))
        a.a2 = roundedToHalf(multiplyAdd(a.a2, v.a2, sa))
        b.a2 = roundedToHalf(multiplyAdd(b.a2, v.a2, sb))
        a.a3 = roundedToHalf(multiplyAdd(a.a3, v.a3, sa))
        b.a3 = roundedToHalf(multiplyAdd(b.a3, v.a3, sb))
    }

    /// acc = f16(acc + w·v), fused (ggml_vec_mad_f16).
    @inline(__always)
    mutating func add(_ v: Slab, times w: Float) {
        let s = SIMD16<Float>(repeating: w)
        a0 = roundedToHalf(multiplyAdd(a0, v.a0, s))
        a1 = roundedToHalf(multiplyAdd(a1, v.a1, s))
        a2 = roundedToHalf(multiplyAdd(a2, v.a2, s))
        a3 = roundedToHalf(multiplyAdd(a3, v.a3, s))
    }
}

/// row[i] = Float(h[i]) for i < n (n a multiple of 16).
@inline(__always)
private func widenRow(_ h: UnsafePointer<Float16>, _ n: Int, into row: UnsafeMutablePointer<Float>) {
    let rh = UnsafeRawPointer(h), rr = UnsafeMutableRawPointer(row)
    for i in stride(from: 0, to: n, by: 16) {
        rr.storeBytes(of: halfToFloat16(rh.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)), toByteOffset: 4 * i,
                      as: SIMD16<Float>.self)
    }
}

/// The nearest f16 of each lane, as a float (an f16 accumulator kept in f32 registers).
@inline(__always)
private func roundedToHalf(_ v: SIMD16<Float>) -> SIMD16<Float> { halfToFloat16(floatToHalf16(v)) }

/// `dotHalfHalf` on values already widened to f32 (the same summation order).
@inline(__always)
private func dotFloatFloat(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    return ggmlDotOrder(n, { ra.loadUnaligned(fromByteOffset: 4 * $0, as: SIMD16<Float>.self) },
                        { rb.loadUnaligned(fromByteOffset: 4 * $0, as: SIMD16<Float>.self) }, { a[$0] * b[$0] })
}
