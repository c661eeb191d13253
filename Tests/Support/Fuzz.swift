import Foundation

/// What the fuzz tests share: a replayable seed, counts CI can scale, a mutator and a memory probe.
///
/// Every fuzz test takes its seed from `MFC_FUZZ_SEED` (else its own default) and prints it in each
/// failure, so `MFC_FUZZ_SEED=<seed> swift test -c release --filter <test>` replays the failing run.
/// `MFC_FUZZ_SCALE` multiplies the case counts (CI runs 1; a long local run might use 10).
public enum Fuzz {
    public static func seed(default fallback: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment["MFC_FUZZ_SEED"].flatMap { UInt64($0) } ?? fallback
    }

    public static func count(_ n: Int) -> Int {
        let scale = ProcessInfo.processInfo.environment["MFC_FUZZ_SCALE"].flatMap { Double($0) } ?? 1
        return max(1, Int(Double(n) * scale))
    }

    /// The process's resident memory now, in bytes (Linux `/proc/self/statm`), 0 when unknown.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Integers that break size arithmetic: zero, one, powers of two around 2^31, 2^32 and 2^63, all ones.
    public static let interestingIntegers: [UInt64] = [
        0, 1, 2, 3, 7, 8, 31, 32, 255, 256, 65_535, 1 << 31 - 1, 1 << 31, 1 << 32 - 1, 1 << 32, 1 << 36,
        1 << 40, 1 << 61, 1 << 62, 1 << 63 - 1, 1 << 63, .max - 1, .max,
    ]

    /// `bytes` with 1 to 4 random edits inside `region` (byte changes, little-endian interesting integers
    /// of 1, 2, 4 or 8 bytes, insertions and deletions of a few bytes, tokens from `dictionary`), and
    /// sometimes truncated.
    public static func mutate(_ bytes: [UInt8], region: Range<Int>, dictionary: [[UInt8]] = [],
                              _ rng: inout FuzzRandom) -> [UInt8] {
        var b = bytes
        let region = region.clamped(to: 0..<max(1, b.count))
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !b.isEmpty else { break }
            let upper = min(region.upperBound, b.count)
            let at = upper > region.lowerBound ? Int.random(in: region.lowerBound..<upper, using: &rng) : 0
            switch Int.random(in: 0...5, using: &rng) {
            case 0: b[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: b[at] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 2:
                let width = [1, 2, 4, 8].randomElement(using: &rng)!
                let value = interestingIntegers.randomElement(using: &rng)! &+ UInt64.random(in: 0...2, using: &rng) &- 1
                for i in 0..<width where at + i < b.count { b[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            case 3: b.insert(contentsOf: dictionary.randomElement(using: &rng) ?? [UInt8.random(in: 0...255, using: &rng)], at: at)
            case 4: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...8, using: &rng)))
            default: b.insert(contentsOf: b[at..<min(b.count, at + Int.random(in: 1...16, using: &rng))], at: at)
            }
        }
        if Int.random(in: 0..<16, using: &rng) == 0 { b.removeLast(Int.random(in: 0...b.count, using: &rng)) }
        return b
    }
}

/// xorshift64* (Vigna): a small seeded generator, identical on every machine.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
