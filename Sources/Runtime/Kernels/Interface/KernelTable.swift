// The entry points every instruction-set variant of the kernels provides (Kernels/ISA/EntryPoints.swift).
// The Runtime picks one table at model load (InstructionSet.swift) and calls through it, so the hot
// code runs with the ISA of the variant while the Runtime itself is compiled for baseline x86-64.
// Each entry does a whole loop (a range of matrix rows, a vector, one attention head), so the indirect
// call costs nothing measurable.

/// The hot kernels of the forward pass, as compiled for one instruction set.
package struct KernelTable: Sendable {
    /// out[t·outStride + r] = row r of `matrix` · prepared input t, for r in `rows` and t in 0..<tokens.
    package let multiply: @Sendable (_ matrix: MatrixView, _ input: InputView, _ tokens: Int, _ rows: Range<Int>,
                                    _ out: UnsafeMutablePointer<Float>, _ outStride: Int) -> Void
    /// Prepares input token `token` of `input` from `x` (`input.columns` floats): q8 quantization and kernel planes.
    package let prepare: @Sendable (_ input: InputView, _ token: Int, _ x: UnsafePointer<Float>) -> Void
    /// out = x / sqrt(mean(x²) + eps) · weight over n floats (`out` may be `x`).
    package let rmsNorm: @Sendable (_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                   _ n: Int, _ eps: Float) -> Void
    /// Rotates `heads` heads in place with the (cos, sin) table of one position (NORM or NeoX pairing).
    package let applyRoPE: @Sendable (_ x: UnsafeMutablePointer<Float>, _ heads: Int, _ headDimension: Int, _ ropeDimension: Int,
                                     _ neox: Bool, _ cosSin: UnsafePointer<Float>) -> Void
    /// Writes the (cos, sin) pairs of `position` for `ropeDimension/2` frequencies.
    package let ropeTable: @Sendable (_ position: Int, _ ropeDimension: Int, _ base: Float, _ scale: Float,
                                     _ out: UnsafeMutablePointer<Float>) -> Void
    /// gate = silu(gate) · up over n floats.
    package let swiGLU: @Sendable (_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) -> Void
    /// gate = gelu(gate) · up over n floats, GELU read from a 65536-entry table indexed by f16 bits.
    package let geluGLU: @Sendable (_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int,
                                   _ table: UnsafePointer<Float>) -> Void
    /// One query head against f16 keys/values at positions `range` (`stride` halves apart) with llama.cpp's
    /// one-token flash-attention arithmetic; `scratch` holds 2·hd halves; writes hd floats to `out`.
    /// A nonzero `softcap` c turns each scaled score s into c·tanh(s/c) (gemma2).
    package let attendOnline: @Sendable (_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                                        _ stride: Int, _ range: ClosedRange<Int>, _ scale: Float, _ softcap: Float, _ hd: Int,
                                        _ scratch: UnsafeMutablePointer<Float16>, _ out: UnsafeMutablePointer<Float>) -> Void
    /// `groups` KV heads (consecutive in each row) with `heads` query heads each (`groups` × `heads` × hd floats at q)
    /// against f16 keys/values at positions `range`, each head bit-identical to `attendOnline`; writes hd floats per
    /// head, or with `partial` the head's running max, sum and accumulator (2 + hd floats) for `mergePartials`.
    /// `scratch` holds `attendGroupScratch(groups × heads, hd)` floats.
    package let attendGroup: @Sendable (_ q: UnsafePointer<Float>, _ heads: Int, _ groups: Int, _ keys: UnsafePointer<Float16>,
                                       _ values: UnsafePointer<Float16>, _ stride: Int, _ range: Range<Int>, _ scale: Float,
                                       _ softcap: Float, _ hd: Int, _ partial: Bool, _ scratch: UnsafeMutablePointer<Float>,
                                       _ out: UnsafeMutablePointer<Float>) -> Void
    /// Floats of scratch `attendGroup` needs for (query heads in all, hd).
    package let attendGroupScratch: @Sendable (_ heads: Int, _ hd: Int) -> Int
    /// One head's output from `count` partials of `attendGroup` (`stride` floats apart), merged as ggml's split-KV path.
    package let mergePartials: @Sendable (_ partials: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ hd: Int,
                                         _ out: UnsafeMutablePointer<Float>) -> Void
    /// One query head with ggml's tiled arithmetic (batches of 64 or more): `keys` is f32 (dimension, position)
    /// with `positions` floats per dimension, values f16; `scratch` holds 64 floats; `softcap` as in `attendOnline`.
    package let attendTiled: @Sendable (_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, _ positions: Int,
                                       _ values: UnsafePointer<Float16>, _ stride: Int, _ range: ClosedRange<Int>, _ scale: Float, _ softcap: Float,
                                       _ hd: Int, _ scratch: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) -> Void
    /// keysByDimension[i·positions + j] = Float(keys[j·stride + i]) for j < count, i < stride (for `attendTiled`).
    package let transposeKeys: @Sendable (_ keys: UnsafePointer<Float16>, _ stride: Int, _ count: Int,
                                         _ keysByDimension: UnsafeMutablePointer<Float>, _ positions: Int) -> Void
    /// dst[i] = Float16(src[i]) (round to nearest even) for i < count: the KV cache store.
    package let roundToHalves: @Sendable (_ src: UnsafePointer<Float>, _ count: Int, _ dst: UnsafeMutablePointer<Float16>) -> Void
    /// Quantizes `count` floats (whole blocks) into ggml blocks of the format (the file quantizer's hot loop).
    package let quantizeBlocks: @Sendable (_ format: BlockFormat, _ x: UnsafePointer<Float>, _ count: Int,
                                          _ y: UnsafeMutableRawPointer) -> Void
    /// Widens `count` little-endian IEEE binary16 values to Float, exactly (NaN payloads kept).
    package let widenHalves: @Sendable (_ src: UnsafeRawPointer, _ count: Int, _ dst: UnsafeMutablePointer<Float>) -> Void

    package init(multiply: @escaping @Sendable (MatrixView, InputView, Int, Range<Int>, UnsafeMutablePointer<Float>, Int) -> Void,
                prepare: @escaping @Sendable (InputView, Int, UnsafePointer<Float>) -> Void,
                rmsNorm: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Float) -> Void,
                applyRoPE: @escaping @Sendable (UnsafeMutablePointer<Float>, Int, Int, Int, Bool, UnsafePointer<Float>) -> Void,
                ropeTable: @escaping @Sendable (Int, Int, Float, Float, UnsafeMutablePointer<Float>) -> Void,
                swiGLU: @escaping @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void,
                geluGLU: @escaping @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>) -> Void,
                attendOnline: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float16>, UnsafePointer<Float16>, Int, ClosedRange<Int>,
                                                   Float, Float, Int, UnsafeMutablePointer<Float16>, UnsafeMutablePointer<Float>) -> Void,
                attendGroup: @escaping @Sendable (UnsafePointer<Float>, Int, Int, UnsafePointer<Float16>, UnsafePointer<Float16>, Int, Range<Int>,
                                                  Float, Float, Int, Bool, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                attendGroupScratch: @escaping @Sendable (Int, Int) -> Int,
                mergePartials: @escaping @Sendable (UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void,
                attendTiled: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float16>, Int,
                                                  ClosedRange<Int>, Float, Float, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                transposeKeys: @escaping @Sendable (UnsafePointer<Float16>, Int, Int, UnsafeMutablePointer<Float>, Int) -> Void,
                roundToHalves: @escaping @Sendable (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float16>) -> Void,
                quantizeBlocks: @escaping @Sendable (BlockFormat, UnsafePointer<Float>, Int, UnsafeMutableRawPointer) -> Void,
                widenHalves: @escaping @Sendable (UnsafeRawPointer, Int, UnsafeMutablePointer<Float>) -> Void) {
        self.multiply = multiply
        self.prepare = prepare
        self.rmsNorm = rmsNorm
        self.applyRoPE = applyRoPE
        self.ropeTable = ropeTable
        self.swiGLU = swiGLU
        self.geluGLU = geluGLU
        self.attendOnline = attendOnline
        self.attendGroup = attendGroup
        self.attendGroupScratch = attendGroupScratch
        self.mergePartials = mergePartials
        self.attendTiled = attendTiled
        self.transposeKeys = transposeKeys
        self.roundToHalves = roundToHalves
        self.quantizeBlocks = quantizeBlocks
        self.widenHalves = widenHalves
    }

    /// This table with another matrix product and input preparation (a variant that differs from this one only there).
    package func replacing(multiply: @escaping @Sendable (MatrixView, InputView, Int, Range<Int>, UnsafeMutablePointer<Float>, Int) -> Void,
                           prepare: @escaping @Sendable (InputView, Int, UnsafePointer<Float>) -> Void) -> KernelTable {
        KernelTable(multiply: multiply, prepare: prepare, rmsNorm: rmsNorm, applyRoPE: applyRoPE, ropeTable: ropeTable, swiGLU: swiGLU,
                    geluGLU: geluGLU, attendOnline: attendOnline, attendGroup: attendGroup, attendGroupScratch: attendGroupScratch,
                    mergePartials: mergePartials, attendTiled: attendTiled, transposeKeys: transposeKeys,
                    roundToHalves: roundToHalves, quantizeBlocks: quantizeBlocks, widenHalves: widenHalves)
    }
}
