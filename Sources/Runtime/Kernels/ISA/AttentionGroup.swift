#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Decode attention (one query row) of all query heads that share a KV head, over a range of key positions,
// with ggml's one-chunk arithmetic (`attendOnline`, bit for bit per head) but arranged for speed at long
// context: each f16 K and V row is widened once for the whole head group, and the positions go in blocks
// of `groupBlock`: scores of the block for every head, then the running max and sum (glibc's expf as
// vectors, LibmExp.swift; the portable variant calls expf with no vector state live across the calls), then the V rows accumulated into each head's f16-rounded
// accumulator. A range can be one chunk of a split (flash decoding): the chunk then leaves its running max,
// sum and accumulator as a partial, and `mergePartials` combines the chunks as ggml's split-KV path does.

/// Positions per block of `attendGroup`.
let groupBlock = 32

/// Floats of scratch `attendGroup` needs for `heads` heads of `hd` dimensions.
@inline(__always)
func attendGroupScratchCount(heads: Int, hd: Int) -> Int { heads * (2 * hd + 3 * groupBlock + 2) + hd }

/// Floats of one head's partial result: running max M, sum S, then the hd accumulator values.
@inline(__always)
func partialCount(hd: Int) -> Int { 2 + hd }

/// `heads` query heads (hd floats each, consecutive at `q`) against keys/values at positions `range`
/// (`stride` halves apart). With `partial` false, writes each head's attention output (hd floats, consecutive
/// at `out`); with `partial` true, writes each head's (M, S, accumulator) as `partialCount(hd)` floats.
/// Per head, the result equals `attendOnline` over the same range bit for bit.
@inline(__always)
func attendGroup(_ q: UnsafePointer<Float>, heads: Int, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                 stride rowStride: Int, range: Range<Int>, scale: Float, softcap: Float, hd: Int, partial: Bool,
                 scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
    let qf = scratch, acc = qf + heads * hd, row = acc + heads * hd
    let scores = row + hd, rescales = scores + heads * groupBlock, weights = rescales + heads * groupBlock
    let maxima = weights + heads * groupBlock, sums = maxima + heads
    // ggml rounds q to f16 once (q_to_vec_dot); the dot then widens both sides.
    for i in 0..<heads * hd { qf[i] = Float(Float16(q[i])) }
    acc.update(repeating: 0, count: heads * hd)
    let capped = softcap != 0, scale = capped ? scale / softcap : scale
    maxima.update(repeating: -.infinity, count: heads)
    sums.update(repeating: 0, count: heads)
    let rr = UnsafeMutableRawPointer(row), ra = UnsafeMutableRawPointer(acc)
    var start = range.lowerBound
    while start < range.upperBound {
        let n = min(groupBlock, range.upperBound - start)
        // Scores: the key row once, dotted with every head's query.
        for j in 0..<n {
            widenRow(keys + (start + j) * rowStride, hd, into: row)
            for h in 0..<heads {
                var score = dotFloatFloat(qf + h * hd, row, hd) * scale
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
                rw.storeBytes(of: libmExpf(rm.loadUnaligned(fromByteOffset: 4 * j, as: SIMD16<Float>.self)), toByteOffset: 4 * j,
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
        // Values: each row widened once, then every head's accumulator rescaled where its max rose
        // (ggml_vec_scale_f16; a factor of 1 changes nothing) and advanced by weight · v (ggml_vec_mad_f16).
        for j in 0..<n {
            widenRow(values + (start + j) * rowStride, hd, into: row)
            for h in 0..<heads {
                let ms = rescales[h * groupBlock + j], ws = SIMD16<Float>(repeating: weights[h * groupBlock + j])
                let base = 4 * h * hd
                if ms != 1 {
                    let m = SIMD16<Float>(repeating: ms)
                    for i in stride(from: 0, to: hd, by: 16) {
                        let a = ra.loadUnaligned(fromByteOffset: base + 4 * i, as: SIMD16<Float>.self)
                        ra.storeBytes(of: roundedToHalf(a * m), toByteOffset: base + 4 * i, as: SIMD16<Float>.self)
                    }
                }
                for i in stride(from: 0, to: hd, by: 16) {
                    let a = ra.loadUnaligned(fromByteOffset: base + 4 * i, as: SIMD16<Float>.self)
                    let v = rr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
                    ra.storeBytes(of: roundedToHalf(multiplyAdd(a, v, ws)), toByteOffset: base + 4 * i, as: SIMD16<Float>.self)
                }
            }
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
