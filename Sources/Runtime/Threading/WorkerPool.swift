import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// A persistent pool of spinning worker threads for fork/join over matrix rows. Parking threads
// between the ~200 matrix products of a token costs more than it saves (docs/kernels.md,
// "Threads"), so workers spin on a generation counter, yield after a while, and only sleep when
// idle for long (between user turns). A pool with more threads than CPUs blocks on a condition
// instead: a spinning (or yielding) worker would take the CPU from one that has work, and each
// fork/join would wait for the scheduler to visit every thread.

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
        /// Whether threads wait on `condition` (more threads than CPUs) rather than spin.
        let blocks: Bool
        /// Signalled when `state` changes or the last participant finishes (used only when `blocks`).
        let condition = NSCondition()
        init(blocks: Bool) { self.blocks = blocks }
    }

    /// Starts `threads - 1` workers, `threads` clamped to 1...`maximumThreads`.
    init(threads: Int) {
        threadCount = min(max(1, threads), Self.maximumThreads)
        shared = Shared(blocks: threadCount > ProcessInfo.processInfo.activeProcessorCount)
        for worker in 1..<threadCount {
            let shared = shared
            let thread = Thread { WorkerPool.workerLoop(worker, shared) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        publish { $0 &+ (1 << 32) }
    }

    /// Changes `state` and wakes blocked workers.
    private func publish(_ change: (Int) -> Int) {
        if shared.blocks { shared.condition.lock() }
        shared.state.store(change(shared.state.load(ordering: .relaxed)), ordering: .releasing)
        if shared.blocks { shared.condition.broadcast(); shared.condition.unlock() }
    }

    /// Calls `body(i)` for i in 0..<min(`workers`, threadCount), in parallel, and returns when every call has
    /// returned. Pass the number of pieces the work has, so threads without a piece are not waited for.
    func run(workers: Int, _ body: (Int) -> Void) {
        let participants = min(max(1, workers), threadCount)
        if participants == 1 { body(0); return }
        withoutActuallyEscaping(body) { escaping in
            shared.job = escaping
            shared.finished.store(0, ordering: .relaxed)
            publish { ((($0 >> 32) &+ 1) << 32) | participants }
            escaping(0)
            if shared.blocks {
                shared.condition.lock()
                while shared.finished.load(ordering: .acquiring) < participants - 1 { shared.condition.wait() }
                shared.condition.unlock()
            } else {
                var spins = 0
                while shared.finished.load(ordering: .acquiring) < participants - 1 {
                    spins += 1
                    if spins > 100_000 { sched_yield() }
                }
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
            var current = shared.state.load(ordering: .acquiring)
            if shared.blocks {
                shared.condition.lock()
                current = shared.state.load(ordering: .acquiring)   // under the lock, so no broadcast is missed
                while current == seen {
                    shared.condition.wait()
                    current = shared.state.load(ordering: .acquiring)
                }
                shared.condition.unlock()
            } else {
                var spins = 0
                while current == seen {
                    spins += 1
                    if spins > 200_000 {
                        // Idle for a while: back off to sleeping so an idle model does not burn a core.
                        if spins > 2_000_000 { usleep(200) } else { sched_yield() }
                    }
                    current = shared.state.load(ordering: .acquiring)
                }
            }
            seen = current
            if shared.stopping.load(ordering: .acquiring) { return }
            // A worker outside this job's participants neither runs it nor counts as finished.
            let participants = current & 0xFFFF_FFFF
            guard worker < participants else { continue }
            shared.job?(worker)
            let done = shared.finished.add(1, ordering: .releasing).newValue
            if shared.blocks && done == participants - 1 {
                shared.condition.lock()
                shared.condition.broadcast()
                shared.condition.unlock()
            }
        }
    }
}
