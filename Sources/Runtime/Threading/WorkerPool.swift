import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// A persistent pool of spinning worker threads for fork/join over matrix rows. Parking threads
// between the ~200 matrix products of a token costs more than it saves (notes/swift-kernels.md
// "Threading"), so workers spin on a generation counter, yield after a while, and only sleep when
// idle for long (between user turns). A pool with more threads than CPUs yields at once instead of
// spinning, since a spinning worker would then take the CPU from one that has work.

/// Runs `body(worker)` on up to `threadCount` threads (the caller is worker 0) and waits for all of them.
final class WorkerPool: @unchecked Sendable {
    /// The most threads a pool starts: any request above is capped (each thread costs a stack and
    /// scheduling, and no split in the runtime has use for more).
    static let maximumThreads = 512

    let threadCount: Int
    private let shared: Shared

    /// What the workers see; they keep it alive after the pool is gone, until they notice `stopping`.
    private final class Shared: @unchecked Sendable {
        /// The job's generation (high 32 bits, wrapping) and how many workers take part in it (low 32 bits),
        /// in one word so a worker never pairs one job's generation with another job's worker count.
        let state = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        /// Written by the caller before publishing `state` (release), read by workers after seeing it (acquire).
        nonisolated(unsafe) var job: ((Int) -> Void)?
        /// Spins before a waiting thread starts yielding its CPU.
        let spinsBeforeYield: Int
        init(spinsBeforeYield: Int) { self.spinsBeforeYield = spinsBeforeYield }
    }

    /// Starts `threads - 1` workers, `threads` clamped to 1...`maximumThreads`.
    init(threads: Int) {
        threadCount = min(max(1, threads), Self.maximumThreads)
        shared = Shared(spinsBeforeYield: threadCount > ProcessInfo.processInfo.activeProcessorCount ? 0 : 200_000)
        for worker in 1..<threadCount {
            let shared = shared
            let thread = Thread { WorkerPool.workerLoop(worker, shared) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.state.add(1 << 32, ordering: .releasing)
    }

    /// Calls `body(i)` for i in 0..<min(`workers`, threadCount), in parallel, and returns when every call has
    /// returned. Pass the number of pieces the work has, so threads without a piece are not waited for.
    func run(workers: Int, _ body: (Int) -> Void) {
        let participants = min(max(1, workers), threadCount)
        if participants == 1 { body(0); return }
        withoutActuallyEscaping(body) { escaping in
            shared.job = escaping
            shared.finished.store(0, ordering: .relaxed)
            let generation = (shared.state.load(ordering: .relaxed) >> 32) &+ 1
            shared.state.store(generation << 32 | participants, ordering: .releasing)
            escaping(0)
            var spins = 0
            while shared.finished.load(ordering: .acquiring) < participants - 1 {
                spins += 1
                if spins > shared.spinsBeforeYield { sched_yield() }
            }
            shared.job = nil
        }
    }

    /// Splits 0..<count into at most `threadCount` contiguous pieces (multiples of `granule` but the last)
    /// and runs `body` on each non-empty one in parallel.
    func parallelFor(_ count: Int, granule: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = Self.workers(for: count, granule: granule, threads: threadCount)
        run(workers: workers) { worker in
            let part = Self.share(of: count, worker: worker, workers: workers, granule: granule)
            if !part.isEmpty { body(part) }
        }
    }

    /// How many of `threads` workers have a piece of `count` items cut in multiples of `granule`.
    static func workers(for count: Int, granule: Int = 1, threads: Int) -> Int {
        let pieces = (max(0, count) + max(1, granule) - 1) / max(1, granule)
        return max(1, min(threads, pieces))
    }

    /// The contiguous part of 0..<count that `worker` of `workers` takes: equal shares rounded up to a
    /// multiple of `granule`, so the last worker may get less, and workers past the end get an empty range.
    static func share(of count: Int, worker: Int, workers: Int, granule: Int = 1) -> Range<Int> {
        let count = max(0, count), workers = max(1, workers), granule = max(1, granule)
        let per = ((count + workers - 1) / workers + granule - 1) / granule * granule
        let start = min(count, worker * per)
        return start..<min(count, start + per)
    }

    private static func workerLoop(_ worker: Int, _ shared: Shared) {
        var seen = 0
        while true {
            var spins = 0
            var current = shared.state.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins > shared.spinsBeforeYield {
                    // Idle for a while: back off to sleeping so an idle model does not burn a core.
                    if spins > shared.spinsBeforeYield + 1_800_000 { usleep(200) } else { sched_yield() }
                }
                current = shared.state.load(ordering: .acquiring)
            }
            seen = current
            if shared.stopping.load(ordering: .acquiring) { return }
            // A worker outside this job's participants neither runs it nor counts as finished.
            guard worker < current & 0xFFFF_FFFF else { continue }
            shared.job?(worker)
            shared.finished.add(1, ordering: .releasing)
        }
    }
}
