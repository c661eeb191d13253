import Testing
@testable import Runtime

/// How work is cut over workers: every split in the runtime goes through `WorkerPool.share`, so these
/// properties hold for matrix rows, attention pairs and key positions alike.
struct WorkerPoolTests {
    @Test func sharesCoverTheWorkExactlyOnceForAnyWorkerCount() {
        for granule in [1, 4] {
            for count in 0...300 {
                for workers in 1...70 {
                    var next = 0
                    for worker in 0..<workers {
                        let part = WorkerPool.share(of: count, worker: worker, workers: workers, granule: granule)
                        #expect(part.lowerBound == next || part.isEmpty, "count \(count), \(workers) workers, worker \(worker): \(part)")
                        if !part.isEmpty {
                            #expect(part.lowerBound % granule == 0)
                            next = part.upperBound
                        }
                    }
                    #expect(next == count, "count \(count), \(workers) workers, granule \(granule) cover 0..<\(next)")
                }
            }
        }
    }

    @Test func workersAreClampedToThePieces() {
        #expect(WorkerPool.workers(for: 9, threads: 64) == 9)
        #expect(WorkerPool.workers(for: 9, granule: 4, threads: 64) == 3)
        #expect(WorkerPool.workers(for: 0, threads: 8) == 1)
        #expect(WorkerPool.workers(for: 1000, threads: 6) == 6)
    }

    /// Each participant runs exactly once per job, and threads beyond the participants run nothing, across
    /// many jobs of changing sizes (a worker that missed a job must never run another job's body twice).
    @Test func runCallsEachParticipantOnce() {
        let pool = WorkerPool(threads: 7)
        // One counter per worker, each written only by its worker (the pool's join orders the writes).
        let calls = UnsafeMutableBufferPointer<Int>.allocate(capacity: 7)
        calls.initialize(repeating: 0)
        defer { calls.deallocate() }
        var expected = [Int](repeating: 0, count: 7)
        for job in 0..<2_000 {
            let workers = job % 9   // 0 and 8 clamp to 1 and 7
            pool.run(workers: workers) { worker in calls[worker] += 1 }
            for w in 0..<min(max(1, workers), 7) { expected[w] += 1 }
        }
        #expect(Array(calls) == expected)
    }

    @Test func threadCountIsCapped() {
        #expect(WorkerPool(threads: 100_000).threadCount == WorkerPool.maximumThreads)
        #expect(WorkerPool(threads: -3).threadCount == 1)
    }
}
