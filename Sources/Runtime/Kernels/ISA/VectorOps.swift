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
            // ggml's rotate_pairs as GCC contracts it: the first product of each line is fused.
            v[a] = (-(x1 * s)).addingProduct(x0, c)
            v[b] = (x1 * c).addingProduct(x0, s)
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

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU) as ggml's `ggml_vec_swiglu_f32` rounds it: 16 lanes at a time
/// with its approximate exp, x / (1 + e^(0 − x)) · up; the tail with libm's expf.
@inline(__always)
func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
    let rg = UnsafeMutableRawPointer(gate), ru = UnsafeRawPointer(up)
    var i = 0
    while i + 16 <= n {
        let g = rg.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        let silu = g / (1 + approximateExp(0 - g))
        rg.storeBytes(of: silu * ru.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self), toByteOffset: 4 * i, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n {
        let g = gate[i]
        gate[i] = g / (1 + expf(-g)) * up[i]
        i += 1
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

/// out[i] = fma(w, Float(v[i]), out[i]) over n elements (n a multiple of 16).
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

/// Σ Float(a[i])·Float(b[i]) over n halves (n a multiple of 16), rounded like ggml's AVX-512
/// `ggml_vec_dot_f16` (`ggmlDotOrder`).
@inline(__always)
func dotHalfHalf(_ a: UnsafePointer<Float16>, _ b: UnsafePointer<Float16>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    return ggmlDotOrder(n, { halfToFloat16(ra.loadUnaligned(fromByteOffset: 2 * $0, as: SIMD16<Float16>.self)) },
                        { halfToFloat16(rb.loadUnaligned(fromByteOffset: 2 * $0, as: SIMD16<Float16>.self)) },
                        { Float(a[$0]) * Float(b[$0]) })
}

/// The summation order of ggml's AVX-512 `ggml_vec_dot_f16` over n elements, given 16 elements of each side
/// from index i (`a(i)`, `b(i)`) and one product (`product(i)`): 4 accumulators of 16 lanes over each 64
/// elements, reduced as (0+2)+(1+3) and then across lanes; the products past the last multiple of 64 are
/// added in Double.
@inline(__always)
func ggmlDotOrder(_ n: Int, _ a: (Int) -> SIMD16<Float>, _ b: (Int) -> SIMD16<Float>, _ product: (Int) -> Float) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
    let whole = n / 64 * 64
    for i in stride(from: 0, to: whole, by: 64) {
        acc0 = multiplyAdd(acc0, a(i), b(i))
        acc1 = multiplyAdd(acc1, a(i + 16), b(i + 16))
        acc2 = multiplyAdd(acc2, a(i + 32), b(i + 32))
        acc3 = multiplyAdd(acc3, a(i + 48), b(i + 48))
    }
    var sum = Double(horizontalSum((acc0 + acc2) + (acc1 + acc3)))
    for i in whole..<n { sum += Double(product(i)) }
    return Float(sum)
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

/// dst[i] = Float16(src[i]) for i < count, 16 at a time where possible (vcvtps2ph with F16C).
@inline(__always)
func roundToHalves(_ src: UnsafePointer<Float>, _ count: Int, _ dst: UnsafeMutablePointer<Float16>) {
    let rs = UnsafeRawPointer(src), rd = UnsafeMutableRawPointer(dst)
    var i = 0
    while i + 16 <= count {
        rd.storeBytes(of: floatToHalf16(rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)), toByteOffset: 2 * i, as: SIMD16<Float16>.self)
        i += 16
    }
    while i < count { dst[i] = Float16(src[i]); i += 1 }
}
