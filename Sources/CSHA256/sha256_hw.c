// SHA-256 block function on the x86 SHA extensions. The CPU keeps the working variables as two
// vectors, ABEF and CDGH; each sha256rnds2 does two rounds, so four rounds take two calls with
// the message+constant vector and its upper half. The message schedule is extended four words
// at a time with sha256msg1 (the sigma0 part), an alignr for W[t-7], and sha256msg2 (sigma1).
// Per-function target attributes keep the rest of the package free of special flags.
#include "CSHA256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int mfc_sha256_hw_available(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}

__attribute__((target("sha,sse4.1,ssse3")))
void mfc_sha256_hw_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]) {
    // Message words are big-endian: reverse the bytes of each 32-bit lane.
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // state[0..3] = A B C D, state[4..7] = E F G H  ->  ABEF and CDGH as the instructions want.
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);

    for (size_t block = 0; block < blocks; block++, data += 64) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w[4];
        for (int j = 0; j < 4; j++) {
            w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * j)), byteswap);
        }
        for (int i = 0; i < 16; i++) {
            __m128i wk = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)&round_constants[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
            if (i < 12) {
                // W[t..t+3] from W[t-16..t-13] (w[i]), W[t-15..] (w[i+1]), W[t-7..t-4], W[t-2], W[t-1].
                __m128i t = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
                w[i & 3] = _mm_sha256msg2_epu32(t, w[(i + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    // Back to A B C D / E F G H.
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else
int mfc_sha256_hw_available(void) { return 0; }
void mfc_sha256_hw_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]) {
    (void)state; (void)data; (void)blocks; (void)round_constants;
}
#endif
