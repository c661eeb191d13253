// SHA-256 compression with the x86 SHA extensions (SHA-NI), for the Builder's hasher.
// The Swift implementation stays the reference and the fallback on other CPUs.
#ifndef MFC_CSHA256_H
#define MFC_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA extensions (and SSSE3/SSE4.1, which the code also uses).
int mfc_sha256_hw_available(void);

/// Runs the compression function over `blocks` 64-byte blocks; `state` is h0..h7 and
/// `round_constants` is K[0..63] (the caller's table, so there is one copy of it).
/// Only call when `mfc_sha256_hw_available()` returned 1.
void mfc_sha256_hw_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t round_constants[64]);

#endif
