import Foundation

/// (cos, sin) pairs for `position` with per-pair frequency divisors and a magnitude factor, as ggml's
/// rope cache computes them for phi3's LongRoPE: θ_i = p · base^(−2i/n) advanced in Float as the
/// plain `ropeTable` kernel does, then cos(scale · θ_i / factor_i) · attnFactor and likewise sin.
func scaledRopeTable(position: Int, ropeDimension: Int, base: Float, scale: Float, factors: [Float], attentionFactor: Float,
                     into out: UnsafeMutablePointer<Float>) {
    let thetaScale = powf(base, -2 / Float(ropeDimension))
    var theta = Float(position)
    for i in 0..<ropeDimension / 2 {
        let t = scale * (theta / (i < factors.count ? factors[i] : 1))
        out[2 * i] = cosf(t) * attentionFactor
        out[2 * i + 1] = sinf(t) * attentionFactor
        theta *= thetaScale
    }
}
