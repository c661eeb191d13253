import KernelInterface

// The package face of one instruction-set variant. These sources (and the quantizer files linked in
// Quantize/, which the Runtime compiles too) are compiled three times (Package.swift:
// KernelsAVX512 from this folder, KernelsAVX2 and KernelsPortable from folders of symlinks to it), each
// with its own `-Xcc -march`. Every kernel below is inlined into its entry point, so no out-of-line code
// (in particular no stdlib generic specialization, whose symbol would be shared between the variants and
// deduplicated by the linker) can run with another variant's instructions; IsaVariantTests checks this on
// the object files. The entry points are `@inline(never)` so no other module inlines them (which would
// compile them with that module's baseline flags).

/// This variant's kernels.
package enum ISAKernels {
    /// The entry points, for the Runtime's dispatch.
    package static var table: KernelTable {
        KernelTable(multiply: multiplyEntry, prepare: prepareEntry, rmsNorm: rmsNormEntry, applyRoPE: applyRoPEEntry,
                    ropeTable: ropeTableEntry, swiGLU: swiGLUEntry, geluGLU: geluGLUEntry,
                    attendOnline: attendOnlineEntry, attendGroup: attendGroupEntry,
                    attendGroupScratch: attendGroupScratchEntry, mergePartials: mergePartialsEntry, attendTiled: attendTiledEntry, transposeKeys: transposeKeysEntry,
                    roundToHalves: roundToHalvesEntry,
                    quantizeBlocks: quantizeBlocksEntry, widenHalves: widenHalvesEntry)
    }

    @inline(never)
    static func multiplyEntry(_ w: MatrixView, _ input: InputView, _ tokens: Int, _ rows: Range<Int>,
                              _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        multiply(w, input, tokens: tokens, rows: rows, out, outStride: outStride)
    }

    @inline(never)
    static func prepareEntry(_ input: InputView, _ token: Int, _ x: UnsafePointer<Float>) {
        prepareToken(input, token, x, biasedQuants: false)
    }

    /// `prepare` for the VNNI kernels (Runtime's VNNIKernels): biased quants instead of the nibble planes.
    @inline(never)
    package static func prepareForVNNIEntry(_ input: InputView, _ token: Int, _ x: UnsafePointer<Float>) {
        prepareToken(input, token, x, biasedQuants: true)
    }

    @inline(never)
    static func rmsNormEntry(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             _ n: Int, _ eps: Float) {
        rmsNorm(x, weight, out, n, eps: eps)
    }

    @inline(never)
    static func applyRoPEEntry(_ x: UnsafeMutablePointer<Float>, _ heads: Int, _ headDimension: Int, _ ropeDimension: Int,
                               _ neox: Bool, _ cosSin: UnsafePointer<Float>) {
        applyRoPE(x, heads: heads, headDimension: headDimension, ropeDimension: ropeDimension, neox: neox, cosSin)
    }

    @inline(never)
    static func ropeTableEntry(_ position: Int, _ ropeDimension: Int, _ base: Float, _ scale: Float, _ out: UnsafeMutablePointer<Float>) {
        ropeTable(position: position, ropeDimension: ropeDimension, base: base, scale: scale, into: out)
    }

    @inline(never)
    static func swiGLUEntry(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        swiGLU(gate, up, n)
    }

    @inline(never)
    static func geluGLUEntry(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int, _ table: UnsafePointer<Float>) {
        geluGLU(gate, up, n, table: table)
    }

    @inline(never)
    static func attendOnlineEntry(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float16>, _ values: UnsafePointer<Float16>,
                                  _ stride: Int, _ range: ClosedRange<Int>, _ scale: Float, _ softcap: Float, _ hd: Int,
                                  _ scratch: UnsafeMutablePointer<Float16>, _ out: UnsafeMutablePointer<Float>) {
        attendOnline(q, keys, values, stride: stride, range: range, scale: scale, softcap: softcap, hd: hd, scratch: scratch, out: out)
    }

    @inline(never)
    static func attendGroupEntry(_ q: UnsafePointer<Float>, _ heads: Int, _ groups: Int, _ keys: UnsafePointer<Float16>,
                                 _ values: UnsafePointer<Float16>, _ stride: Int, _ range: Range<Int>, _ scale: Float, _ softcap: Float,
                                 _ hd: Int, _ partial: Bool, _ scratch: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        attendGroup(q, heads: heads, groups: groups, keys, values, stride: stride, range: range, scale: scale, softcap: softcap, hd: hd, partial: partial,
                    scratch: scratch, out: out)
    }

    @inline(never)
    static func attendGroupScratchEntry(_ heads: Int, _ hd: Int) -> Int { attendGroupScratchCount(heads: heads, hd: hd) }

    @inline(never)
    static func mergePartialsEntry(_ partials: UnsafePointer<Float>, _ count: Int, _ stride: Int, _ hd: Int,
                                   _ out: UnsafeMutablePointer<Float>) {
        mergePartials(partials, count: count, stride: stride, hd: hd, out: out)
    }

    @inline(never)
    static func attendTiledEntry(_ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, _ positions: Int,
                                 _ values: UnsafePointer<Float16>, _ stride: Int, _ range: ClosedRange<Int>, _ scale: Float,
                                 _ softcap: Float, _ hd: Int, _ scratch: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        attendTiled(q, keys, positions: positions, values, stride: stride, range: range, scale: scale, softcap: softcap, hd: hd,
                    scratch: scratch, out: out)
    }

    @inline(never)
    static func transposeKeysEntry(_ keys: UnsafePointer<Float16>, _ stride: Int, _ count: Int,
                                   _ keysByDimension: UnsafeMutablePointer<Float>, _ positions: Int) {
        transposeKeys(keys, stride: stride, count: count, into: keysByDimension, positions: positions)
    }

    @inline(never)
    static func roundToHalvesEntry(_ src: UnsafePointer<Float>, _ count: Int, _ dst: UnsafeMutablePointer<Float16>) {
        roundToHalves(src, count, dst)
    }

    @inline(never)
    static func quantizeBlocksEntry(_ format: BlockFormat, _ x: UnsafePointer<Float>, _ count: Int, _ y: UnsafeMutableRawPointer) {
        let scratch = KQuantScratch()
        quantizeBlocks(format, x, count: count, into: y, scratch: scratch)
    }

    @inline(never)
    static func widenHalvesEntry(_ src: UnsafeRawPointer, _ count: Int, _ dst: UnsafeMutablePointer<Float>) {
        widenHalves(src, count: count, into: dst)
    }
}
