import Foundation
import Runtime

// Continuous batching for one loaded model. Every request generates on its own thread with the
// ordinary `Generator` loop; its slot's `predict` hands the step (a prompt, or the one token just
// sampled) to this runner and waits. One thread of the runner's own runs the steps: it waits a moment
// for the sequences of the previous step to come back with their next token, then runs every pending
// step in one forward pass (each weight matrix read once for all of them) and wakes each request.
// Sequences join and leave between steps. A long prompt is fed in chunks, so one prompt does not stall
// the streams decoding beside it.
//
// The steps run on one thread rather than on whichever request thread comes back first: that thread is
// the worker pool's worker 0 in every fork/join of the pass, so it stays where the system placed it
// beside the pool's spinning workers, instead of a freshly woken request thread landing on the core a
// spinning worker holds. Each request waits on a semaphore of its own, so a step wakes the requests it
// answered and each arrival wakes only the runner (not every waiting request, as one shared condition did).

/// Runs the forward steps of a model's sequences together.
final class BatchRunner: @unchecked Sendable {
    let model: LlamaModel
    /// Prompt tokens fed per step when other sequences are decoding beside them.
    let promptChunk: Int
    /// How long a step waits for the previous step's sequences to come back (a finished one says so at
    /// once; the wait is for threads the system has not yet run, which on a loaded machine takes milliseconds).
    static let gatherTimeout: TimeInterval = 0.02

    /// Guards the fields below; signalled when a step is pending, a sequence ends or the running step ends.
    private let lock = NSCondition()
    private var pending: [Request] = []
    private var running = false
    /// Whether the runner's thread is alive. It ends when no sequence is generating, so an unloaded model's
    /// runner (and the weights it holds) is freed without a stop call.
    private var threadAlive = false
    /// Callers of `exclusive` waiting for the running step: no new step starts before they have had their turn.
    private var exclusiveWaiting = 0
    /// Sequences that took part in the last step and have not ended: the next step waits for them.
    private var expected: Set<ObjectIdentifier> = []
    /// Per-step timings on standard error when `MFC_BATCH_TRACE` is set (see docs/api.md).
    private let trace = BatchTrace(environment: ProcessInfo.processInfo.environment)

    /// One sequence's step waiting to run: the tokens not yet evaluated and the position of the first.
    private final class Request {
        let sequence: KVSequence
        var tokens: ArraySlice<Int32>
        var start: Int
        var result: Result<[Float], ModelError>?
        /// Signalled once `result` is set.
        let answered = DispatchSemaphore(value: 0)
        init(sequence: KVSequence, tokens: [Int32], start: Int) {
            self.sequence = sequence
            self.tokens = tokens[...]
            self.start = start
        }
    }

    init(model: LlamaModel, promptChunk: Int = 64) {
        self.model = model
        self.promptChunk = max(1, promptChunk)
    }

    /// Evaluates `tokens` at positions `start...` of `sequence` together with the other sequences'
    /// pending steps; returns the logits after the last token.
    func predict(_ sequence: KVSequence, _ tokens: [Int32], from start: Int) throws(ModelError) -> [Float] {
        let request = Request(sequence: sequence, tokens: tokens, start: start)
        lock.lock()
        pending.append(request)
        if !threadAlive {
            threadAlive = true
            let thread = Thread { [self] in runSteps() }
            thread.stackSize = 4 << 20   // as a request's thread, which ran the steps before
            thread.start()
        }
        lock.broadcast()
        lock.unlock()
        request.answered.wait()
        return try request.result!.get()
    }

    /// The runner's thread: runs steps while any are pending or a sequence of the last step may come back.
    private func runSteps() {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if pending.isEmpty && expected.isEmpty { threadAlive = false; return }
            if pending.isEmpty || running || exclusiveWaiting > 0 { lock.wait(); continue }
            step()
        }
    }

    /// Marks `sequence` as about to send its first step (a request bound to its slot), so the next step waits
    /// for it as for the streams already decoding instead of starting a moment before its prompt arrives.
    /// Every generation ends with `end`, which takes it off again.
    func expect(_ sequence: KVSequence) {
        lock.lock()
        expected.insert(ObjectIdentifier(sequence))
        lock.unlock()
    }

    /// Marks `sequence` as no longer generating, so the next step does not wait for it.
    func end(_ sequence: KVSequence) {
        lock.lock()
        expected.remove(ObjectIdentifier(sequence))
        lock.broadcast()
        lock.unlock()
    }

    /// Runs `body` on the model while no step runs (for work outside the batch, such as embeddings).
    func exclusive<T>(_ body: (LlamaModel) throws -> T) rethrows -> T {
        lock.lock()
        exclusiveWaiting += 1
        while running { lock.wait() }
        exclusiveWaiting -= 1
        running = true
        lock.unlock()
        defer { lock.lock(); running = false; lock.broadcast(); lock.unlock() }
        return try body(model)
    }

    /// Gives `target` the longest prefix of `prompt` that one of `donors` holds in its cache, when that is longer
    /// than what `target` already shares with it: the keys and values are copied between steps instead of being
    /// evaluated again (requests with a common system prompt, or several that continue one conversation).
    /// - Returns: the prompt tokens `target` now holds at positions 0..<n, or nil when it kept its own cache.
    func sharePrefix(of prompt: [Int32], into target: KVSequence, from donors: [KVSequence]) -> [Int32]? {
        func common(_ s: KVSequence) -> Int { zip(s.tokens, prompt).prefix { $0 == $1 }.count }
        return exclusive { _ in
            let own = common(target)
            guard let donor = donors.filter({ $0 !== target }).max(by: { common($0) < common($1) }), common(donor) > own else { return nil }
            let n = common(donor)
            target.copyPrefix(n, from: donor)
            return Array(prompt.prefix(n))
        }
    }

    /// Runs one step (lock held on entry and exit; released during the forward pass).
    private func step() {
        running = true
        let gatherStart = ContinuousClock.now
        let deadline = Date().addingTimeInterval(Self.gatherTimeout)
        while !expected.isSubset(of: Set(pending.map { ObjectIdentifier($0.sequence) })), Date() < deadline {
            _ = lock.wait(until: deadline)
        }
        // Decoding sequences (one token) all go; prompts share what is left of a batch, oldest first.
        let decoding = pending.filter { $0.tokens.count == 1 }.count
        var budget = max(promptChunk - decoding, promptChunk / 4)
        var taken: [(Request, Int)] = []
        for request in pending {
            let count = request.tokens.count == 1 ? 1 : min(request.tokens.count, budget)
            guard count > 0 else { continue }
            if request.tokens.count > 1 { budget -= count }
            taken.append((request, count))
        }
        let steps = taken.map { request, count in
            SequenceStep(sequence: request.sequence, tokens: Array(request.tokens.prefix(count)), startPosition: request.start)
        }
        let forwardStart = ContinuousClock.now, waitedFor = expected.count
        lock.unlock()
        let outcome: Result<[[Float]], ModelError>
        do { outcome = .success(try model.forward(steps)) } catch { outcome = .failure(error) }
        trace?.step(gatherStart: gatherStart, forwardStart: forwardStart, steps: steps, waitingFor: waitedFor)
        lock.lock()
        expected = []
        for (i, (request, count)) in taken.enumerated() {
            switch outcome {
            case .success(let logits):
                request.tokens = request.tokens.dropFirst(count)
                request.start += count
                if request.tokens.isEmpty { request.result = .success(logits[i]) }
            case .failure(let error):
                request.result = .failure(error)
            }
            if request.result != nil { expected.insert(ObjectIdentifier(request.sequence)) }
        }
        let answered = pending.filter { $0.result != nil }
        pending.removeAll { $0.result != nil }
        running = false
        lock.broadcast()
        for request in answered { request.answered.signal() }
    }
}

/// A `TokenPredictor` over one sequence of a shared model, stepping through the model's batch runner.
final class SlotPredictor: TokenPredictor, @unchecked Sendable {
    let runner: BatchRunner
    let sequence: KVSequence

    init(runner: BatchRunner, sequence: KVSequence) {
        self.runner = runner
        self.sequence = sequence
    }

    var contextLength: Int { sequence.contextLength }
    var vocabularySize: Int { runner.model.config.vocabularySize }

    func predict(_ tokens: [Int], from start: Int) throws -> [Float] {
        try runner.predict(sequence, tokens.map { Int32(truncatingIfNeeded: $0) }, from: start)
    }

    func endGeneration() { runner.end(sequence) }
}
