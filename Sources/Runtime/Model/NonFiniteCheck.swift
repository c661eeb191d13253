// Finding where a forward pass first produced NaN or infinity, so a corrupt model stops with an error
// that names the layer instead of sampling from garbage.

/// The first place in the forward pass whose output held a NaN or an infinity.
enum NonFiniteSite: Equatable, CustomStringConvertible {
    /// The token embeddings (before layer 0).
    case embedding
    /// Transformer block `n` (tensors `blk.n.*`).
    case layer(Int)
    /// The final norm or the LM head.
    case output

    var description: String {
        switch self {
        case .embedding: "in the token embeddings (token_embd.weight)"
        case .layer(let n): "at layer \(n) (blk.\(n).*)"
        case .output: "in the output layer (output_norm.weight, output.weight)"
        }
    }
}

/// Whether all `count` floats at `x` are finite.
func allFinite(_ x: UnsafePointer<Float>, _ count: Int) -> Bool {
    // An exponent of all ones (NaN or ±Inf) is the only non-finite pattern; OR-reducing a mask is branch-free.
    var bad: UInt32 = 0
    let bits = UnsafeRawPointer(x).assumingMemoryBound(to: UInt32.self)
    for i in 0..<count { bad |= (bits[i] & 0x7F80_0000) == 0x7F80_0000 ? 1 : 0 }
    return bad == 0
}

/// Whether every element of `values` is finite.
func allFinite(_ values: [Float]) -> Bool {
    values.withUnsafeBufferPointer { $0.baseAddress.map { allFinite($0, values.count) } ?? true }
}
