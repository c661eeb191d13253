#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Element-wise pieces of the forward pass, following ggml's CPU ops where the rounding matters.

/// out = x / sqrt(mean(x²) + eps) · weight. The sum of squares is accumulated in Double as ggml does.
@inline(__always)
func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, eps: Float) {
    var sum = 0.0
    for i in 0..<n { sum += Double(x[i] * x[i]) }
    let scale = 1 / (Float(sum / Double(n)) + eps).squareRoot()
    for i in 0..<n { out[i] = x[i] * scale * weight[i] }
}

/// Rotates `heads` heads of `headDimension` floats in place. `cosSin` holds (cos, sin) for each of
/// the `ropeDimension/2` frequencies. NORM pairs (2i, 2i+1); NeoX pairs (i, i + ropeDimension/2).
@inline(__always)
func applyRoPE(_ x: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int, ropeDimension: Int,
               neox: Bool, _ cosSin: UnsafePointer<Float>) {
    let half = ropeDimension / 2
    for h in 0..<heads {
        let v = x + h * headDimension
        for i in 0..<half {
            let c = cosSin[2 * i], s = cosSin[2 * i + 1]
            let (a, b) = neox ? (i, i + half) : (2 * i, 2 * i + 1)
            let x0 = v[a], x1 = v[b]
            v[a] = x0 * c - x1 * s
            v[b] = x0 * s + x1 * c
        }
    }
}

/// (cos, sin) pairs for `position` as ggml's rope cache computes them: θ starts at p·scale and is
/// multiplied by base^(−2/n) per pair, in Float.
func ropeTable(position: Int, ropeDimension: Int, base: Float, scale: Float, into out: UnsafeMutablePointer<Float>) {
    let thetaScale = powf(base, -2 / Float(ropeDimension))
    var theta = Float(position)
    for i in 0..<ropeDimension / 2 {
        let t = theta * scale
        out[2 * i] = cosf(t)
        out[2 * i + 1] = sinf(t)
        theta *= thetaScale
    }
}

/// In-place softmax over n floats.
@inline(__always)
func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
    var maxValue = -Float.infinity
    for i in 0..<n { maxValue = max(maxValue, x[i]) }
    var sum: Double = 0
    for i in 0..<n {
        let e = expf(x[i] - maxValue)
        x[i] = e
        sum += Double(e)
    }
    let inv = Float(1 / sum)
    for i in 0..<n { x[i] *= inv }
}

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU).
@inline(__always)
func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
    for i in 0..<n {
        let g = gate[i]
        gate[i] = g / (1 + expf(-g)) * up[i]
    }
}

/// gate[i] = gelu(gate[i]) · up[i] the way ggml's `ggml_vec_geglu_f32` computes it: 0 below −10, the
/// identity above 10, and otherwise a table of the tanh-approximated GELU indexed by the input rounded to
/// f16 (also 10x faster than calling tanhf).
@inline(__always)
func geluGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int, table values: UnsafePointer<Float>) {
    for i in 0..<n {
        let g = gate[i]
        if g <= -10 {
            gate[i] = 0
        } else if g >= 10 {
            gate[i] = g * up[i]
        } else {
            gate[i] = values[Int(Float16(g).bitPattern)] * up[i]
        }
    }
}

/// Σ q[i]·Float(k[i]) over n elements (n a multiple of 16) of f32 × f16.
@inline(__always)
func dotHalf(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Float16>, _ n: Int) -> Float {
    let rq = UnsafeRawPointer(q), rk = UnsafeRawPointer(k)
    var acc = SIMD16<Float>()
    for i in stride(from: 0, to: n, by: 16) {
        acc = multiplyAdd(acc, rq.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self), halfToFloat16(rk.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)))
    }
    return horizontalSum(acc)
}

/// out[i] += w·Float(v[i]) over n elements (n a multiple of 16).
@inline(__always)
func addScaledHalf(_ out: UnsafeMutablePointer<Float>, _ w: Float, _ v: UnsafePointer<Float16>, _ n: Int) {
    let ro = UnsafeMutableRawPointer(out), rv = UnsafeRawPointer(v)
    let ws = SIMD16<Float>(repeating: w)
    for i in stride(from: 0, to: n, by: 16) {
        let o = ro.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        ro.storeBytes(of: multiplyAdd(o, ws, halfToFloat16(rv.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self))),
                      toByteOffset: 4 * i, as: SIMD16<Float>.self)
    }
}

/// 16 halves to floats lane by lane (vcvtph2ps with F16C; the generic init is called out of line).
@inline(__always)
func halfToFloat16(_ h: SIMD16<Float16>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = Float(h[i]) }
    return r
}

/// Σ Float(a[i])·Float(b[i]) over n halves (n a multiple of 16), accumulated in f32.
@inline(__always)
func dotHalfHalf(_ a: UnsafePointer<Float16>, _ b: UnsafePointer<Float16>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc = SIMD16<Float>()
    for i in stride(from: 0, to: n, by: 16) {
        acc = multiplyAdd(acc, halfToFloat16(ra.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)),
                                halfToFloat16(rb.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)))
    }
    return horizontalSum(acc)
}

/// y[i] = f16(Float(y[i])·s) over n halves (ggml_vec_scale_f16).
@inline(__always)
func scaleHalf(_ y: UnsafeMutablePointer<Float16>, _ s: Float, _ n: Int) {
    let ry = UnsafeMutableRawPointer(y)
    for i in stride(from: 0, to: n, by: 16) {
        let v = halfToFloat16(ry.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)) * s
        ry.storeBytes(of: floatToHalf16(v), toByteOffset: 2 * i, as: SIMD16<Float16>.self)
    }
}

/// y[i] = f16(fma(Float(x[i]), s, Float(y[i]))) over n halves (ggml_vec_mad_f16).
@inline(__always)
func addScaledHalfToHalf(_ y: UnsafeMutablePointer<Float16>, _ s: Float, _ x: UnsafePointer<Float16>, _ n: Int) {
    let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x)
    let ss = SIMD16<Float>(repeating: s)
    for i in stride(from: 0, to: n, by: 16) {
        let yv = halfToFloat16(ry.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self))
        let xv = halfToFloat16(rx.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self))
        ry.storeBytes(of: floatToHalf16(multiplyAdd(yv, xv, ss)), toByteOffset: 2 * i, as: SIMD16<Float16>.self)
    }
}

/// 16 floats to halves lane by lane (vcvtps2ph with F16C), rounding to nearest even.
@inline(__always)
func floatToHalf16(_ v: SIMD16<Float>) -> SIMD16<Float16> {
    var r = SIMD16<Float16>()
    for i in 0..<16 { r[i] = Float16(v[i]) }
    return r
}
