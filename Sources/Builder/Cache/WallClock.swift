import Foundation

/// The wall clock the caches compare file times with, injected so tests can move time instead of
/// sleeping or backdating files (as ninja's tests tick a fake clock).
package struct WallClock: Sendable {
    /// Nanoseconds since the Unix epoch, the unit of `FileStat.mtimeNanoseconds`.
    package let nanoseconds: @Sendable () -> Int64

    package init(nanoseconds: @escaping @Sendable () -> Int64) { self.nanoseconds = nanoseconds }

    /// CLOCK_REALTIME, the clock file mtimes use.
    package static let system = WallClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The system clock moved by `seconds` (tests: a clock an hour ahead sees every file as old).
    package static func offset(seconds: Int64) -> WallClock {
        WallClock { system.nanoseconds() + seconds * 1_000_000_000 }
    }
}
