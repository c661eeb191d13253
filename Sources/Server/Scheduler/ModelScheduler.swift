import Builder
import Foundation
import Runtime

/// Limits the scheduler enforces.
package struct SchedulerLimits: Sendable {
    /// Requests one model serves at once (each on its own slot: a sequence with its own KV cache,
    /// decoded in one batch with the others).
    package var parallel = 1
    /// Bytes of KV cache all slots of a model may keep (0: no limit); idle slots' cached prompts are
    /// dropped, least recently used first, to make room for a new request.
    package var kvBudget = 0
    /// Whether a request reuses the cached prefix of an idle slot (false: every prompt is evaluated whole).
    package var promptCache = true
    /// How the slots' KV caches store keys and values.
    package var kvCacheType = KVCacheType.f16
    /// Models kept loaded at once; the least recently used idle one is unloaded first.
    package var maxLoaded = 3
    /// Bytes of model layers kept loaded at once (0: no limit); least recently used idle models go first.
    package var maxMemory: Int64 = 0
    /// Requests that may wait for a busy model; more get 503.
    package var maxQueue = 512
    /// Worker threads per loaded model.
    package var threads = ProcessInfo.processInfo.activeProcessorCount
    package var defaultKeepAlive = KeepAlive.default
    package init() {}
}

/// Loads models on first use, shares one load between the requests that wait for it, hands out
/// leases up to the parallel limit (each generates on a slot of the model's batch), queues the rest, and unloads models whose keep_alive ran out
/// (or the least recently used one when too many are loaded).
package final class ModelScheduler: @unchecked Sendable {
    let store: ModelStore
    let limits: SchedulerLimits
    private let lock = NSCondition()
    private var models: [String: LoadedModel] = [:]
    private var reaper: Thread?
    private var stopped = false
    /// Models unloaded whose memory has not all been freed yet (a finishing request may still hold one).
    private var unloading: [Weak] = []

    private struct Weak { weak var model: LoadedModel? }

    package init(store: ModelStore, limits: SchedulerLimits) {
        self.store = store
        self.limits = limits
    }

    /// Starts the thread that unloads expired models.
    package func start() {
        let thread = Thread { [self] in
            while true {
                lock.lock()
                if stopped { lock.unlock(); return }
                _ = lock.wait(until: Date().addingTimeInterval(0.5))
                unloadExpired(now: Date())
                // Once the unloaded models are gone, hand malloc's freed pages back to the system.
                let freed = !unloading.isEmpty && unloading.allSatisfy { $0.model == nil }
                if freed { unloading = [] }
                lock.unlock()
                if freed { FreedMemory.returnToSystem() }
            }
        }
        thread.start()
        reaper = thread
    }

    package func stop() {
        lock.lock(); stopped = true; models = [:]; lock.broadcast(); lock.unlock()
    }

    /// The canonical key of a model name, or 404 when no such model is in the store.
    func resolveName(_ text: String) throws(APIError) -> ModelName {
        let name = ModelName(parsing: text)
        guard name.isValid else { throw .badRequest("invalid model name '\(text)'") }
        let canonical = store.canonical(name)
        guard store.manifestBytes(canonical) != nil else { throw .modelNotFound(text) }
        return canonical
    }

    /// An instance of `name`, loading the model first if needed; waits while all instances are busy.
    /// - Throws: 404 for an unknown model, 503 when the queue is full, 500 when loading fails,
    ///   `CancellationError`-like 499 when `isCancelled` turns true while waiting.
    package func acquire(_ nameText: String, isCancelled: @escaping () -> Bool) throws(APIError) -> ModelLease {
        let name = try resolveName(nameText)
        let key = name.displayShortest
        let clock = ContinuousClock()
        let start = clock.now
        lock.lock()
        var entry = models[key]
        if entry == nil {
            let fresh = LoadedModel(key: key)
            fresh.size = (try? store.manifest(name))?.totalSize ?? 0
            models[key] = fresh
            entry = fresh
            makeRoom(except: key)
            lock.unlock()
            load(fresh, name: name)
            lock.lock()
            lock.broadcast()
        }
        guard let model = entry else { lock.unlock(); throw APIError(500, "scheduler lost \(key)") }
        while case .loading = model.state { lock.wait() }
        if case .failed(let error) = model.state {
            if models[key] === model { drop(key) }
            lock.unlock()
            if let e = error as? APIError { throw e }
            throw APIError(500, "cannot load model '\(nameText)': \(error)")
        }
        if model.busy >= limits.parallel {
            guard model.waiting < limits.maxQueue else {
                lock.unlock()
                throw APIError(503, "server busy: model '\(nameText)' has \(limits.maxQueue) requests waiting; try again later")
            }
            model.waiting += 1
            while model.busy >= limits.parallel {
                if isCancelled() || stopped {
                    model.waiting -= 1
                    lock.unlock()
                    throw APIError(499, "request cancelled while waiting for the model")
                }
                _ = lock.wait(until: Date().addingTimeInterval(0.25))
            }
            model.waiting -= 1
        }
        model.busy += 1
        model.lastUsed = Date()
        model.expiresAt = nil   // in use: not unloaded
        let loadDuration = clock.now - start
        lock.unlock()
        return ModelLease(model: model, scheduler: self, loadDuration: loadDuration)
    }

    /// The idle slot of `model` whose cache shares the longest prefix with `prompt`, or a new slot when
    /// none shares any and the parallel limit allows one more; the least recently used slot otherwise.
    /// Idle slots' caches are dropped, least recently used first, while the KV budget would be exceeded.
    /// When another slot (busy or idle) holds a longer prefix of the prompt, it is copied into the chosen one.
    func bindSlot(_ model: LoadedModel, prompt: [Int]) throws -> Slot {
        lock.lock()
        defer { lock.unlock() }
        let idle = model.slots.filter { !$0.busy }
        func shared(_ slot: Slot) -> Int { zip(slot.generator.cached, prompt).prefix { $0 == $1 }.count }
        var chosen = idle.max { (shared($0), $1.lastUsed) < (shared($1), $0.lastUsed) }
        if chosen.map(shared) ?? 0 == 0 && model.slots.count < limits.parallel {
            let sequence = try model.runner!.model.makeSequence()
            let slot = Slot(generator: Generator(model: SlotPredictor(runner: model.runner!, sequence: sequence), tokenizer: model.tokenizer!),
                            sequence: sequence)
            model.slots.append(slot)
            chosen = slot
        }
        guard let slot = chosen else { throw APIError(500, "no free slot for a request within the parallel limit") }
        slot.busy = true
        if !limits.promptCache {
            // Forget the slot's tokens but keep its pages: the prompt is evaluated from position 0 over them.
            slot.generator.reset()
            slot.sequence.truncate(to: 0)
        }
        if limits.kvBudget > 0 {
            let need = max(0, prompt.count - slot.sequence.cachedCount) * slot.sequence.bytesPerPosition
            let others = model.slots.filter { !$0.busy && $0.sequence.cachedCount > 0 }.sorted { $0.lastUsed < $1.lastUsed }
            for victim in others where model.kvBytesInUse + need > limits.kvBudget {
                victim.generator.reset()
                victim.sequence.reset()
            }
        }
        // Without the prompt cache every prompt is evaluated whole, so no prefix is copied either.
        if limits.promptCache, let prefix = model.runner!.sharePrefix(of: prompt.map { Int32(truncatingIfNeeded: $0) },
                                                                      into: slot.sequence, from: model.slots.map(\.sequence)) {
            slot.generator.assumeCached(prefix.map(Int.init))
        }
        return slot
    }

    /// Marks a slot idle again; its cache stays for the next request that shares its prefix.
    func unbind(_ slot: Slot, of model: LoadedModel) {
        lock.lock()
        slot.busy = false
        slot.lastUsed = Date()
        lock.unlock()
    }

    /// Gives a lease back and starts its model's keep_alive.
    package func release(_ lease: ModelLease, keepAlive: KeepAlive?) {
        lock.lock()
        defer { lock.unlock() }
        let model = lease.model
        model.busy -= 1
        model.lastUsed = Date()
        let keep = keepAlive ?? limits.defaultKeepAlive
        if model.busy == 0 { model.expiresAt = keep.expiry(from: Date()) }
        if keep == .seconds(0) && model.busy == 0 && model.waiting == 0 && models[model.key] === model { drop(model.key) }
        lock.broadcast()
    }

    /// Unloads `name` now (in-flight requests finish on their instances). False when it was not loaded.
    package func unload(_ nameText: String) throws(APIError) -> Bool {
        let key = try resolveName(nameText).displayShortest
        lock.lock(); defer { lock.unlock() }
        guard let model = models[key] else { return false }
        if model.busy == 0 && model.waiting == 0 { drop(key) } else { model.expiresAt = Date() }
        return true
    }

    /// A snapshot of the loaded models for /api/ps, most recently used first.
    package func running() -> [RunningModel] {
        lock.lock(); defer { lock.unlock() }
        return models.values.filter(\.isReady).sorted { $0.lastUsed > $1.lastUsed }.compactMap { m in
            guard let resolved = m.resolved else { return nil }
            return RunningModel(name: m.key, resolved: resolved, size: m.size, contextLength: m.contextLength,
                                expiresAt: m.busy > 0 ? nil : m.expiresAt, kvBytes: m.kvBytesInUse)
        }
    }

    // MARK: - Internals (lock held unless said otherwise)

    /// Loads the model (lock not held): the manifest, the GGUF, its weights and its batch runner.
    private func load(_ model: LoadedModel, name: ModelName) {
        do {
            let resolved = try store.resolve(name)
            let runnable = try RunnableModel.load(resolved, store: store)
            let (tokenizer, engine) = try runnable.makeEngine(threads: limits.threads, kvCacheType: limits.kvCacheType)
            lock.lock()
            model.resolved = resolved
            model.runnable = runnable
            model.tokenizer = tokenizer
            model.runner = BatchRunner(model: engine)
            model.contextLength = engine.contextLength
            model.size = resolved.manifest.layers.reduce(0) { $0 + $1.size }
            model.state = .ready
            model.lastUsed = Date()
            model.expiresAt = limits.defaultKeepAlive.expiry(from: Date())
            lock.unlock()
        } catch {
            lock.lock()
            model.state = .failed(error)
            lock.unlock()
        }
    }

    /// Unloads least recently used idle models until a new one fits the count and memory limits.
    private func makeRoom(except key: String) {
        func overMemory() -> Bool { limits.maxMemory > 0 && models.values.reduce(0) { $0 + $1.size } > limits.maxMemory }
        while models.count > limits.maxLoaded || overMemory() {
            let idle = models.values.filter { $0.key != key && $0.isReady && $0.busy == 0 && $0.waiting == 0 }
            guard let victim = idle.min(by: { $0.lastUsed < $1.lastUsed }) else { return }
            drop(victim.key)
        }
    }

    /// Unloads a model: its slots' KV caches are unmapped when the last request on it lets go.
    private func drop(_ key: String) {
        if let model = models.removeValue(forKey: key) { unloading.append(Weak(model: model)) }
    }

    private func unloadExpired(now: Date) {
        for (key, model) in models where model.isReady && model.busy == 0 && model.waiting == 0 {
            if let at = model.expiresAt, at <= now { drop(key) }
        }
    }
}

/// A loaded model as /api/ps and `mfc ps` show it.
package struct RunningModel: Sendable {
    package let name: String
    package let resolved: ResolvedModel
    package let size: Int64
    package let contextLength: Int
    /// nil: in use or kept forever.
    package let expiresAt: Date?
    /// Bytes of KV cache its slots hold.
    package let kvBytes: Int
}
