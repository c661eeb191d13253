// What the per-ISA kernel modules (Kernels/ISA, compiled once per instruction set) read: plain views of
// the Runtime's repacked weights and prepared inputs. Only stored properties, so reading them from a
// kernel module compiles to loads, never to calls into this (baseline-compiled) module.

/// How a weight matrix's rows are laid out; the byte layouts are described in Runtime's WeightMatrix.swift.
package enum MatrixLayout: Equatable, Sendable {
    /// 4-bit quants in row groups of 4 (Q4_0, Q4_1, Q4_K).
    case nibbles(NibbleFormat)
    /// i8 quants in row groups of 4 (Q8_0, Q5_0, Q6_K, Q3_K).
    case bytes(ByteFormat)
    /// i8 quants with per-group (16 or 32) scales and optional mins.
    case int8(group: Int, hasMin: Bool)
    /// f32 rows.
    case float
}

/// What the blocks of the nibble layout hold besides the 4 rows' 16 quant bytes each (WeightMatrix.swift).
package enum NibbleFormat: Equatable, Sendable {
    /// 80-byte blocks, f16 d and m (m = −8d) paired with the exact q8_0 sums.
    case q4_0
    /// 80-byte blocks, f16 d and m paired with ggml's f16-rounded q8_1 sums.
    case q4_1
    /// 96-byte blocks, f32 scales then f32 mins (d·sc and −dmin·m of each 32-element sub-block).
    case q4_K
}

/// What the blocks of the interleaved byte layout hold besides the 4 rows' 32 quants each (WeightMatrix.swift).
package enum ByteFormat: Equatable, Sendable {
    /// 136-byte blocks: one f16 scale per row (Q8_0, Q5_0).
    case halfScale
    /// 160-byte blocks: two f32 scales per row, for elements 0-15 and 16-31 (the k-quants with 16-element groups).
    case twoScales
}

/// A repacked weight matrix: `rowStride` bytes per row starting at `base`, followed by slack the kernels may read.
package struct MatrixView: @unchecked Sendable {
    package let base: UnsafeRawPointer
    package let layout: MatrixLayout
    /// Columns the kernel covers: the real columns (nibbles) or rounded up to 64 (int8) or 16 (float).
    package let paddedColumns: Int
    /// Byte offset of the scales inside a row (int8) or inside a block of a row group (nibbles).
    package let scalesOffset: Int
    /// 64-byte steps of the kernel over a row.
    package let chunks: Int
    package let rowStride: Int
    /// Bytes per group of 4 rows in the nibble layout.
    package let groupStride: Int

    package init(base: UnsafeRawPointer, layout: MatrixLayout, paddedColumns: Int, scalesOffset: Int, chunks: Int, rowStride: Int,
                groupStride: Int) {
        self.base = base
        self.layout = layout
        self.paddedColumns = paddedColumns
        self.scalesOffset = scalesOffset
        self.chunks = chunks
        self.rowStride = rowStride
        self.groupStride = groupStride
    }
}

/// The areas of prepared input tokens (Runtime's PreparedBatch): token t starts at `base + t·tokenStride`;
/// the offsets are bytes inside one token's area.
package struct InputView: @unchecked Sendable {
    package let base: UnsafeMutableRawPointer
    package let columns: Int
    /// `columns` rounded up to 128; the padding holds zeros.
    package let paddedColumns: Int
    package let tokenStride: Int
    package let floatsOffset: Int        // Float[padded]: the input itself
    package let nibblePlanesOffset: Int  // per 128 elements: 4 × SIMD32<Int16> (DotNibbles)
    package let int8PlanesOffset: Int    // per 64 elements: 2 × SIMD32<Int16> (DotInt8)
    package let scalesOffset: Int        // Float[padded/32]: q8 block scale d (f16-rounded)
    package let sumsOffset: Int          // Float[padded/32]: f16(d·Σq), ggml's q8_1 `s`
    package let sums16Offset: Int        // Float[padded/16]: d·Σq over 16 elements
    package let sums32Offset: Int        // Float[padded/32]: d·Σq over 32 elements (full precision)
    package let quantsOffset: Int        // Int8[padded]
    package let biasedQuantsOffset: Int  // UInt8[padded]: quants + 128, for the VNNI kernels (their prepare writes it instead of the nibble planes)

    /// Lays out the areas of inputs of `columns` elements at `base`, which must hold `tokenStride(columns:)`
    /// bytes per token.
    package init(base: UnsafeMutableRawPointer, columns: Int) {
        self.base = base
        self.columns = columns
        let o = InputView.offsets(columns: columns)
        paddedColumns = o.padded
        (floatsOffset, nibblePlanesOffset, int8PlanesOffset) = (o.floats, o.nibbles, o.int8)
        (scalesOffset, sumsOffset, sums16Offset, sums32Offset, quantsOffset) = (o.scales, o.sums, o.sums16, o.sums32, o.quants)
        biasedQuantsOffset = o.biased
        tokenStride = o.stride
    }

    /// Bytes per token for inputs of `columns` elements (a multiple of 64).
    package static func tokenStride(columns: Int) -> Int { offsets(columns: columns).stride }

    private static func offsets(columns: Int) -> (padded: Int, floats: Int, nibbles: Int, int8: Int, scales: Int, sums: Int,
                                                  sums16: Int, sums32: Int, quants: Int, biased: Int, stride: Int) {
        let p = (columns + 127) / 128 * 128
        let floats = 0, nibbles = floats + 4 * p, int8 = nibbles + 2 * p, scales = int8 + 2 * p
        let sums = scales + p / 8, sums16 = sums + p / 8, sums32 = sums16 + p / 4, quants = sums32 + p / 8, biased = quants + p
        return (p, floats, nibbles, int8, scales, sums, sums16, sums32, quants, biased, (biased + p + 63) / 64 * 64)
    }

    /// The base of token `t`'s area.
    @inlinable @inline(__always)
    package func token(_ t: Int) -> UnsafeMutableRawPointer { base + t * tokenStride }
}
