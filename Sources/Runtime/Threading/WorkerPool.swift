import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// A persistent pool of spinning worker threads for fork/join over matrix rows. Parking threads
// between the ~200 matrix products of a token costs more than it saves (notes/swift-kernels.md
// "Threading"), so workers spin on a generation counter, yield after a while, and only sleep when
// idle for long (between user turns).

/// Runs `body(worker)` on `threadCount` threads (the caller is worker 0) and waits for all of them.
final class WorkerPool: @unchecked Sendable {
    let threadCount: Int
    private let shared = Shared()

    /// What the workers see; they keep it alive after the pool is gone, until they notice `stopping`.
    private final class Shared: @unchecked Sendable {
        let generation = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        /// Written by the caller before bumping `generation` (release), read by workers after seeing it (acquire).
        nonisolated(unsafe) var job: ((Int) -> Void)?
    }

    init(threads: Int) {
        threadCount = max(1, threads)
        for worker in 1..<threadCount {
            let shared = shared
            let thread = Thread { WorkerPool.workerLoop(worker, shared) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.generation.add(1, ordering: .releasing)
    }

    /// Calls `body(i)` for i in 0..<threadCount, in parallel, and returns when every call has returned.
    func run(_ body: (Int) -> Void) {
        if threadCount == 1 { body(0); return }
        withoutActuallyEscaping(body) { escaping in
            shared.job = escaping
            shared.finished.store(0, ordering: .relaxed)
            shared.generation.add(1, ordering: .releasing)
            escaping(0)
            var spins = 0
            while shared.finished.load(ordering: .acquiring) < threadCount - 1 {
                spins += 1
                if spins > 100_000 { sched_yield() }
            }
            shared.job = nil
        }
    }

    /// Splits 0..<count into `threadCount` contiguous ranges (multiples of `granule` except the last) and runs them.
    func parallelFor(_ count: Int, granule: Int = 4, _ body: (Range<Int>) -> Void) {
        let perWorker = ((count + threadCount - 1) / threadCount + granule - 1) / granule * granule
        if threadCount == 1 || count <= granule { body(0..<count); return }
        run { worker in
            let start = min(count, worker * perWorker), end = min(count, start + perWorker)
            if start < end { body(start..<end) }
        }
    }

    private static func workerLoop(_ worker: Int, _ shared: Shared) {
        var seen = 0
        while true {
            var spins = 0
            var current = shared.generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins > 200_000 {
                    // Idle for a while: back off to sleeping so an idle model does not burn a core.
                    if spins > 2_000_000 { usleep(200) } else { sched_yield() }
                }
                current = shared.generation.load(ordering: .acquiring)
            }
            seen = current
            if shared.stopping.load(ordering: .acquiring) { return }
            shared.job?(worker)
            shared.finished.add(1, ordering: .releasing)
        }
    }
}
