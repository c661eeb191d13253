import CSHA256
import Foundation

// SHA-256 (FIPS 180-4), streaming, for 100-250 MB model files. Whole blocks are compressed
// straight from the caller's bytes. On x86 CPUs with the SHA extensions the block function is
// CSHA256's; the Swift rounds here are the reference and the fallback elsewhere.

/// A streaming SHA-256 hasher: `update` any number of times, then `finalize` once.
package struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes of a partial block waiting for more input (always < 64 between calls).
    private var pending: [UInt8] = []
    /// Total message length in bytes.
    package private(set) var count: Int = 0
    /// Use the Swift rounds even where SHA-NI exists.
    var forceSoftware = false

    package init() { pending.reserveCapacity(64) }

    /// Hashes `bytes` in one go.
    package static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var h = SHA256()
        h.update(Array(bytes))
        return h.finalize()
    }

    /// Adds bytes to the message.
    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds bytes to the message.
    package mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        count += buffer.count
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, buffer.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            if pending.count < 64 { return }
            pending.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = (buffer.count - offset) / 64
        if whole > 0 {
            compress(blocks: base + offset, count: whole)
            offset += whole * 64
        }
        if offset < buffer.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: buffer.count - offset))
        }
    }

    /// Pads the message and returns the 32-byte digest. The hasher must not be used afterwards.
    package mutating func finalize() -> [UInt8] {
        let bitLength = UInt64(count) &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: $0.count / 64) }
        pending.removeAll()
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            out.append(UInt8(word >> 24)); out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8)); out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    private mutating func compress(blocks: UnsafeRawPointer, count blockCount: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 + 64) { scratch in
            let p = scratch.baseAddress!
            (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]) = state
            SHA256Constants.k.withUnsafeBufferPointer { k in
                if SHA256.useHardware && !forceSoftware {
                    mfc_sha256_hw_blocks(p, blocks.assumingMemoryBound(to: UInt8.self), blockCount, k.baseAddress!)
                } else {
                    SHA256.compressBlocks(state: p, schedule: p + 8, k: k.baseAddress!, blocks: blocks, count: blockCount)
                }
            }
            state = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
        }
    }

    /// Whether the x86 SHA extensions are used (decided once per process). The Swift rounds below
    /// are the reference; `MFC_SHA256_SOFTWARE=1` forces them (tests compare both).
    static let useHardware: Bool = mfc_sha256_hw_available() == 1 && getenv("MFC_SHA256_SOFTWARE") == nil

    /// Hashes with the portable Swift rounds even on SHA-NI hardware (for tests).
    static func softwareHash(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.forceSoftware = true
        h.update(bytes)
        return h.finalize()
    }

    /// The compression function over `count` 64-byte blocks. One self-contained function over
    /// raw pointers with the rotations spelled out, so it is optimized even in debug builds
    /// (tests hash real model files) and has no calls or bounds checks in the rounds.
    @_optimize(speed)
    private static func compressBlocks(state: UnsafeMutablePointer<UInt32>, schedule w: UnsafeMutablePointer<UInt32>,
                                       k: UnsafePointer<UInt32>, blocks: UnsafeRawPointer, count blockCount: Int) {
        var h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3]
        var h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7]
        var block = 0
        while block < blockCount {
            let p = blocks + block &* 64
            for i in 0..<16 {
                w[i] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
            }
            for i in 16..<64 {
                let x = w[i &- 15], y = w[i &- 2]
                let s0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)
                let s1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10)
                w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            for i in 0..<64 {
                let s1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))
                let ch = (e & f) ^ (~e & g)
                let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))
                let maj = (a & b) ^ (a & c) ^ (b & c)
                h = g; g = f; f = e; e = d &+ t1
                d = c; c = b; b = a; a = t1 &+ s0 &+ maj
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            block &+= 1
        }
        state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3
        state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7
    }
}

private enum SHA256Constants {
    /// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
}
