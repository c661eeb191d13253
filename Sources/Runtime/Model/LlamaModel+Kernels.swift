// The forward pass's element-wise steps, called through the model's kernel table (the variant for this
// CPU, see InstructionSet.swift) under the names Forward.swift uses.

extension LlamaModel {
    /// out = x / sqrt(mean(x²) + eps) · weight over n floats.
    @inline(__always)
    func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, eps: Float) {
        kernels.rmsNorm(x, weight, out, n, eps)
    }

    /// Rotates `heads` heads of `headDimension` floats in place with one position's (cos, sin) table.
    @inline(__always)
    func applyRoPE(_ x: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int, ropeDimension: Int,
                   neox: Bool, _ cosSin: UnsafePointer<Float>) {
        kernels.applyRoPE(x, heads, headDimension, ropeDimension, neox, cosSin)
    }

    /// (cos, sin) pairs of `position` for `ropeDimension/2` frequencies.
    @inline(__always)
    func ropeTable(position: Int, ropeDimension: Int, base: Float, scale: Float, into out: UnsafeMutablePointer<Float>) {
        kernels.ropeTable(position, ropeDimension, base, scale, out)
    }

    /// gate = silu(gate) · up over n floats.
    @inline(__always)
    func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        kernels.swiGLU(gate, up, n)
    }

    /// gate = gelu(gate) · up over n floats (ggml's f16 GELU table).
    @inline(__always)
    func geluGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int, table: GeluTable) {
        kernels.geluGLU(gate, up, n, table.values)
    }
}
