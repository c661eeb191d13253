// The interleaved integer matrix kernels (Runtime/Kernels/ISA DotBytes.swift and DotNibbles.swift) on
// AVX-512 VNNI, whose vpdpbusd sums 4 u8 x s8 products into an i32 lane in one instruction (Swift cannot
// emit it). Same layouts, same exact integer lanes and the same f32 operations in the same order as the
// Swift kernels, so the results are bit-identical (docs/kernels.md). Only call on a CPU with AVX-512
// F/BW/VL/DQ, VNNI, FMA and F16C (InstructionSet.avx512vnni checks /proc/cpuinfo).
#ifndef MFC_CKERNELSVNNI_H
#define MFC_CKERNELSVNNI_H

#include <stddef.h>
#include <stdint.h>

/// The block layouts of a row group of 4 interleaved rows (Runtime/Kernels/WeightMatrix.swift).
enum mfc_vnni_format {
    /// 136-byte blocks: 2 x 64 bytes of i8 quants (elements 0-15, then 16-31, of the 4 rows), 4 x f16 d (Q8_0, Q5_0).
    MFC_VNNI_BYTES_HALF_SCALE = 0,
    /// 160-byte blocks: the same quants, then 4 x f32 scales of elements 0-15 and 4 x f32 of 16-31 (Q6_K, Q3_K).
    MFC_VNNI_BYTES_TWO_SCALES = 1,
    /// 80-byte blocks: 64 bytes of nibbles (byte i = q_i | q_(i+16) << 4), then 4 x u32 (f16 d | f16 m << 16) (Q4_0, Q4_1).
    MFC_VNNI_NIBBLES_HALF_SCALES = 2,
    /// 96-byte blocks: the same nibbles, then 4 x f32 scales and 4 x f32 mins (Q4_K).
    MFC_VNNI_NIBBLES_FLOAT_SCALES = 3,
};

/// A repacked weight matrix: row group g starts at base + g * group_stride and holds `blocks` blocks.
struct mfc_vnni_matrix {
    const uint8_t *base;
    size_t group_stride;
    size_t blocks;
    enum mfc_vnni_format format;
};

/// Prepared input tokens (Runtime's PreparedBatch): token t's area starts at base + t * token_stride; the
/// offsets are bytes inside one area: i8 quants, the same quants + 128 as u8, f32 block scales, and the f32 block sums the nibble
/// kernels pair with the mins (q8_1's f16-rounded sums for Q4_1, the exact ones for Q4_0 and Q4_K).
struct mfc_vnni_input {
    const uint8_t *base;
    size_t token_stride;
    size_t quants_offset;
    size_t biased_quants_offset;
    size_t scales_offset;
    size_t sums_offset;
};

/// out[t * out_stride + r] = row r of `w` . input token t, for r in row_begin ..< row_end (row_begin a multiple
/// of 4; the matrix holds whole row groups) and t in 0 ..< tokens.
void mfc_vnni_multiply(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, size_t tokens,
                       size_t row_begin, size_t row_end, float *out, size_t out_stride);

#endif
