// Interleaved integer matrix kernels on AVX-512 VNNI (layouts and numerics in CKernelsVNNI.h and
// docs/kernels.md). A tile is R row groups x T tokens: the R groups' blocks are loaded once for T tokens
// and each token's 32 activation bytes once for R groups; the R x T pairs of f32 accumulators (ggml's
// lanes 0-3 and 4-7 of 4 rows each) stay in registers over the whole row.
//
// vpdpbusd multiplies unsigned by signed bytes. Nibbles are unsigned and activations signed, so they go in
// as they are. i8 weights are signed too: the activations go in biased, x + 128 as u8 (prepared once per token), and
// each lane starts at -128 * (sum of its 4 weights), computed once per weight block:
// sum (x + 128) w - 128 sum w = sum x w, exactly (|lane| <= 4 * 255 * 128).
// Per-function target attributes keep the rest of the package free of special flags.
#include "CKernelsVNNI.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma,f16c")))
#define KERNEL static inline __attribute__((always_inline)) VNNI_TARGET

enum { MAX_GROUPS = 2, MAX_TOKENS = 4 };

/// Lane i is v[i / 4].
KERNEL __m512 spread_by_4(__m128 v) {
    const __m512i index = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    return _mm512_permutexvar_ps(index, _mm512_castps128_ps512(v));
}

/// One block of one row group, ready for every token: quants of lanes 0-3 (q0) and 4-7 (q1), the values
/// the integer lanes start from, the 16-lane weight scales of each half, and the 4 rows' mins (nibbles).
struct block {
    __m512i q0, q1, start0, start1;
    __m512 scale0, scale1;
    __m128 mins;
};

KERNEL struct block load_block(const uint8_t *p, enum mfc_vnni_format format) {
    struct block k;
    const __m512i zero = _mm512_setzero_si512();
    if (format == MFC_VNNI_BYTES_HALF_SCALE || format == MFC_VNNI_BYTES_TWO_SCALES) {
        const __m512i bias = _mm512_set1_epi8((char)0x80);
        k.q0 = _mm512_loadu_si512(p);
        k.q1 = _mm512_loadu_si512(p + 64);
        k.start0 = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, bias, k.q0));
        k.start1 = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, bias, k.q1));
        if (format == MFC_VNNI_BYTES_HALF_SCALE) {
            k.scale0 = spread_by_4(_mm_cvtph_ps(_mm_loadl_epi64((const __m128i *)(p + 128))));
            k.scale1 = k.scale0;
        } else {
            k.scale0 = spread_by_4(_mm_loadu_ps((const float *)(p + 128)));
            k.scale1 = spread_by_4(_mm_loadu_ps((const float *)(p + 144)));
        }
        k.mins = _mm_setzero_ps();
    } else {
        const __m512i low = _mm512_set1_epi8(0x0F);
        const __m512i v = _mm512_loadu_si512(p);
        k.q0 = _mm512_and_si512(v, low);
        k.q1 = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
        k.start0 = zero;
        k.start1 = zero;
        if (format == MFC_VNNI_NIBBLES_HALF_SCALES) {
            // 4 x (d | m << 16) -> d0 m0 d1 m1 ... as floats.
            const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 64)));
            const __m512i even = _mm512_set_epi32(6, 6, 6, 6, 4, 4, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0);
            k.scale0 = _mm512_permutexvar_ps(even, _mm512_castps256_ps512(dm));
            k.mins = _mm256_castps256_ps128(_mm256_permutevar8x32_ps(dm, _mm256_set_epi32(7, 5, 3, 1, 7, 5, 3, 1)));
        } else {
            k.scale0 = spread_by_4(_mm_loadu_ps((const float *)(p + 64)));
            k.mins = _mm_loadu_ps((const float *)(p + 80));
        }
        k.scale1 = k.scale0;
    }
    return k;
}

KERNEL size_t block_bytes(enum mfc_vnni_format format) {
    switch (format) {
    case MFC_VNNI_BYTES_HALF_SCALE: return 136;
    case MFC_VNNI_BYTES_TWO_SCALES: return 160;
    case MFC_VNNI_NIBBLES_HALF_SCALES: return 80;
    default: return 96;
    }
}

KERNEL int is_bytes(enum mfc_vnni_format format) {
    return format == MFC_VNNI_BYTES_HALF_SCALE || format == MFC_VNNI_BYTES_TWO_SCALES;
}

/// ggml's hsum_float_8 of each of the 4 rows, ((a0+a4) + (a2+a6)) + ((a1+a5) + (a3+a7)), with lanes 0-3 of
/// row r in lo[4r..4r+3] and lanes 4-7 in hi (the Swift kernels' rowTotals).
KERNEL __m128 row_totals(__m512 lo, __m512 hi) {
    const __m512 r = _mm512_add_ps(lo, hi);
    const __m512 pairs = _mm512_add_ps(r, _mm512_permute_ps(r, _MM_SHUFFLE(1, 0, 3, 2)));   // lane 4r: a0+a2, 4r+1: a1+a3
    const __m512 total = _mm512_add_ps(pairs, _mm512_permute_ps(pairs, _MM_SHUFFLE(2, 3, 0, 1)));
    const __m512i firsts = _mm512_set_epi32(12, 8, 4, 0, 12, 8, 4, 0, 12, 8, 4, 0, 12, 8, 4, 0);
    return _mm512_castps512_ps128(_mm512_permutexvar_ps(firsts, total));
}

/// R row groups from `group` x T tokens from `token`; the last group holds `last_rows` (1...4) rows.
KERNEL void tile(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, const enum mfc_vnni_format format,
                 const int R, const int T, size_t group, size_t token, int last_rows, float *out, size_t out_stride) {
    __m512 lo[MAX_GROUPS][MAX_TOKENS], hi[MAX_GROUPS][MAX_TOKENS];
    __m128 mins[MAX_GROUPS][MAX_TOKENS];
    for (int r = 0; r < R; r++) {
        for (int t = 0; t < T; t++) {
            lo[r][t] = _mm512_setzero_ps(); hi[r][t] = _mm512_setzero_ps(); mins[r][t] = _mm_setzero_ps();
        }
    }
    const size_t bytes = block_bytes(format);
    const uint8_t *groups = w->base + group * w->group_stride;
    const uint8_t *tokens = x->base + token * x->token_stride;
    for (size_t b = 0; b < w->blocks; b++) {
        struct block k[MAX_GROUPS];
        for (int r = 0; r < R; r++) k[r] = load_block(groups + r * w->group_stride + b * bytes, format);
        // Two groups read side by side are two short streams the hardware prefetcher keeps losing; fetch the
        // next tile's block ahead (one group reads the matrix front to back, and needs no help).
        for (int r = 0; R > 1 && r < R; r++) {
            const char *next = (const char *)groups + (R + r) * w->group_stride + b * bytes;
            _mm_prefetch(next, _MM_HINT_T0); _mm_prefetch(next + 64, _MM_HINT_T0); _mm_prefetch(next + bytes - 1, _MM_HINT_T0);
        }
        for (int t = 0; t < T; t++) {
            const uint8_t *xt = tokens + t * x->token_stride;
            const uint8_t *xq = xt + (is_bytes(format) ? x->biased_quants_offset : x->quants_offset) + 32 * b;
            const __m512i a0 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)xq));
            const __m512i a1 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(xq + 16)));
            const __m512 dx = _mm512_set1_ps(*(const float *)(xt + x->scales_offset + 4 * b));
            for (int r = 0; r < R; r++) {
                __m512i i0, i1;
                if (is_bytes(format)) {
                    i0 = _mm512_dpbusd_epi32(k[r].start0, a0, k[r].q0);
                    i1 = _mm512_dpbusd_epi32(k[r].start1, a1, k[r].q1);
                } else {
                    i0 = _mm512_dpbusd_epi32(k[r].start0, k[r].q0, a0);
                    i1 = _mm512_dpbusd_epi32(k[r].start1, k[r].q1, a1);
                }
                const __m512 s0 = _mm512_mul_ps(k[r].scale0, dx);
                const __m512 s1 = format == MFC_VNNI_BYTES_TWO_SCALES ? _mm512_mul_ps(k[r].scale1, dx) : s0;
                lo[r][t] = _mm512_fmadd_ps(s0, _mm512_cvtepi32_ps(i0), lo[r][t]);
                hi[r][t] = _mm512_fmadd_ps(s1, _mm512_cvtepi32_ps(i1), hi[r][t]);
                if (!is_bytes(format)) {
                    const __m128 sum = _mm_set1_ps(*(const float *)(xt + x->sums_offset + 4 * b));
                    mins[r][t] = _mm_fmadd_ps(k[r].mins, sum, mins[r][t]);
                }
            }
        }
    }
    for (int r = 0; r < R; r++) {
        const int rows = r == R - 1 ? last_rows : 4;
        for (int t = 0; t < T; t++) {
            __m128 v = row_totals(lo[r][t], hi[r][t]);
            if (!is_bytes(format)) v = _mm_add_ps(v, mins[r][t]);
            float *o = out + (token + t) * out_stride + 4 * (group + r);
            _mm_mask_storeu_ps(o, (__mmask8)((1u << rows) - 1), v);
        }
    }
}

/// Every tile of one row-group run of R groups, 4 tokens at a time and then the remainder.
KERNEL void groups_by_tokens(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, const enum mfc_vnni_format format,
                             const int R, size_t group, size_t tokens, int last_rows, float *out, size_t out_stride) {
    size_t t = 0;
    for (; t + 4 <= tokens; t += 4) tile(w, x, format, R, 4, group, t, last_rows, out, out_stride);
    switch (tokens - t) {
    case 3: tile(w, x, format, R, 3, group, t, last_rows, out, out_stride); break;
    case 2: tile(w, x, format, R, 2, group, t, last_rows, out, out_stride); break;
    case 1: tile(w, x, format, R, 1, group, t, last_rows, out, out_stride); break;
    default: break;
    }
}

KERNEL void multiply_format(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, const enum mfc_vnni_format format,
                            size_t tokens, size_t row_begin, size_t row_end, float *out, size_t out_stride) {
    const size_t first = row_begin / 4, end = (row_end + 3) / 4;
    const int last_rows = (int)(row_end - 4 * (end - 1));
    size_t g = first;
    // Pairs of groups once there are tokens enough to reuse each block several times (a whole 4-token tile);
    // fewer tokens are bound by reading the matrix, which one group at a time does best.
    if (tokens >= 4) {
        for (; g + 2 <= end; g += 2) groups_by_tokens(w, x, format, 2, g, tokens, g + 2 == end ? last_rows : 4, out, out_stride);
    }
    for (; g < end; g++) groups_by_tokens(w, x, format, 1, g, tokens, g + 1 == end ? last_rows : 4, out, out_stride);
}

VNNI_TARGET
void mfc_vnni_multiply(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, size_t tokens,
                       size_t row_begin, size_t row_end, float *out, size_t out_stride) {
    if (row_begin >= row_end || tokens == 0) return;
    // Literal formats, so each call is a kernel specialized for its blocks.
    switch (w->format) {
    case MFC_VNNI_BYTES_HALF_SCALE:
        multiply_format(w, x, MFC_VNNI_BYTES_HALF_SCALE, tokens, row_begin, row_end, out, out_stride); break;
    case MFC_VNNI_BYTES_TWO_SCALES:
        multiply_format(w, x, MFC_VNNI_BYTES_TWO_SCALES, tokens, row_begin, row_end, out, out_stride); break;
    case MFC_VNNI_NIBBLES_HALF_SCALES:
        multiply_format(w, x, MFC_VNNI_NIBBLES_HALF_SCALES, tokens, row_begin, row_end, out, out_stride); break;
    case MFC_VNNI_NIBBLES_FLOAT_SCALES:
        multiply_format(w, x, MFC_VNNI_NIBBLES_FLOAT_SCALES, tokens, row_begin, row_end, out, out_stride); break;
    }
}

#else
void mfc_vnni_multiply(const struct mfc_vnni_matrix *w, const struct mfc_vnni_input *x, size_t tokens,
                       size_t row_begin, size_t row_end, float *out, size_t out_stride) {
    (void)w; (void)x; (void)tokens; (void)row_begin; (void)row_end; (void)out; (void)out_stride;
}
#endif
