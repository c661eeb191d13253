import KernelInterface

// f32 dot products: the float weight layout (F32/F16/BF16) and small vector helpers.

/// Σ a[i]·b[i] over `n` floats.
@inline(__always)
func dotFloats(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc = SIMD16<Float>(), i = 0
    while i + 16 <= n {
        acc = multiplyAdd(acc, ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self),
                          rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
        i += 16
    }
    var s = horizontalSum(acc)
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// Dots float weight row `row` with `tokens` prepared inputs starting at `first` (no quantization of the input).
@inline(__always)
func dotFloatRow(_ w: MatrixView, row: Int, _ input: InputView, first: Int, tokens: Int,
                 _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    let wr = (w.base + row * w.rowStride).assumingMemoryBound(to: Float.self)
    for t in 0..<tokens {
        let x = (input.token(first + t) + input.floatsOffset).assumingMemoryBound(to: Float.self)
        out[t * outStride] = dotFloats(wr, x, w.paddedColumns)
    }
}
