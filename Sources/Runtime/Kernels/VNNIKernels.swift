import CKernelsVNNI
import KernelInterface
import KernelsAVX512

/// The AVX-512 kernels with the interleaved integer matrix products (bytes and nibbles) on AVX-512 VNNI, in C
/// (Sources/CKernelsVNNI): bit-identical results, fewer instructions per block (docs/kernels.md). Their inputs
/// carry the quants biased by 128 instead of the nibble planes, which only the Swift nibble kernel reads.
enum VNNIKernels {
    static let table: KernelTable = {
        let avx512 = KernelsAVX512.ISAKernels.table
        return avx512.replacing(multiply: { w, input, tokens, rows, out, outStride in
            guard let (format, sums) = cFormat(w.layout, input) else {
                avx512.multiply(w, input, tokens, rows, out, outStride)
                return
            }
            var matrix = mfc_vnni_matrix(base: w.base.assumingMemoryBound(to: UInt8.self), group_stride: w.groupStride,
                                         blocks: w.chunks, format: format)
            var x = mfc_vnni_input(base: UnsafePointer(input.base.assumingMemoryBound(to: UInt8.self)), token_stride: input.tokenStride,
                                   quants_offset: input.quantsOffset, biased_quants_offset: input.biasedQuantsOffset,
                                   scales_offset: input.scalesOffset, sums_offset: sums)
            mfc_vnni_multiply(&matrix, &x, tokens, rows.lowerBound, rows.upperBound, out, outStride)
        }, prepare: KernelsAVX512.ISAKernels.prepareForVNNIEntry)
    }()

    /// The C kernel's block format for a layout and the input sums its mins pair with (the Swift nibble kernel's
    /// choice); nil for the layouts the Swift kernels keep.
    private static func cFormat(_ layout: MatrixLayout, _ input: InputView) -> (mfc_vnni_format, Int)? {
        switch layout {
        case .bytes(.halfScale): (MFC_VNNI_BYTES_HALF_SCALE, 0)
        case .bytes(.twoScales): (MFC_VNNI_BYTES_TWO_SCALES, 0)
        case .nibbles(.q4_0): (MFC_VNNI_NIBBLES_HALF_SCALES, input.sums32Offset)
        case .nibbles(.q4_1): (MFC_VNNI_NIBBLES_HALF_SCALES, input.sumsOffset)
        case .nibbles(.q4_K): (MFC_VNNI_NIBBLES_FLOAT_SCALES, input.sums32Offset)
        case .int8, .float: nil
        }
    }
}
