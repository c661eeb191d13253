import Builder
import Foundation
import Runtime

/// One model in memory: its resolved manifest, what `mfc run` loads from it, the weights (loaded once)
/// and up to the parallel limit of slots, each a sequence with its own KV cache, decoded together by
/// the model's batch runner.
final class LoadedModel: @unchecked Sendable {
    enum State {
        case loading
        case ready
        case failed(any Error)
    }

    /// The canonical name (`model:tag` form) the scheduler keys it by.
    let key: String
    var state: State = .loading
    var resolved: ResolvedModel?
    var runnable: RunnableModel?
    var tokenizer: Tokenizer?
    var runner: BatchRunner?
    /// Sequences made so far (at most the parallel limit); idle ones keep their last prompt for reuse.
    var slots: [Slot] = []
    /// Requests holding a lease.
    var busy = 0
    /// Requests waiting for a lease.
    var waiting = 0
    /// nil: stays loaded.
    var expiresAt: Date?
    var lastUsed = Date()
    /// Context length of each slot.
    var contextLength = 0
    /// Bytes of the model's layers (what `ps` reports).
    var size: Int64 = 0

    init(key: String) { self.key = key }

    var isReady: Bool { if case .ready = state { return true }; return false }

    /// Bytes of KV cache the slots hold now.
    var kvBytesInUse: Int { slots.reduce(0) { $0 + $1.sequence.bytesInUse } }
}

/// One sequence of a loaded model and the generator that runs on it.
final class Slot: @unchecked Sendable {
    let generator: Generator
    let sequence: KVSequence
    var busy = false
    var lastUsed = Date()

    init(generator: Generator, sequence: KVSequence) {
        self.generator = generator
        self.sequence = sequence
    }
}

/// A request's hold on a model: the right to generate on one of its slots; give it back with
/// `ModelScheduler.release`.
package final class ModelLease: @unchecked Sendable {
    let model: LoadedModel
    let scheduler: ModelScheduler
    /// Time spent loading the model for this request (zero when it was loaded already).
    package let loadDuration: Duration
    package var runnable: RunnableModel { model.runnable! }
    package var resolved: ResolvedModel { model.resolved! }
    package var tokenizer: Tokenizer { model.tokenizer! }
    /// Positions each slot holds (num_ctx).
    package var contextLength: Int { model.contextLength }

    init(model: LoadedModel, scheduler: ModelScheduler, loadDuration: Duration) {
        self.model = model
        self.scheduler = scheduler
        self.loadDuration = loadDuration
    }

    /// Generates on the idle slot whose cache shares the longest prefix with `prompt` (a conversation that
    /// continues evaluates only its new turn); see `Generator.generate`.
    /// - Returns: the text, statistics and the slot's tokens afterwards (prompt and answer).
    package func generate(prompt: [Int], options: SamplingOptions, grammar: Grammar?, shouldStop: () -> Bool,
                          emit: (String) -> Void) throws -> (text: String, stats: GenerationStats, context: [Int]) {
        let slot = try scheduler.bindSlot(model, prompt: prompt)
        defer { scheduler.unbind(slot, of: model) }
        model.runner!.expect(slot.sequence)   // generate ends every path with endGeneration, which lets go
        let (text, stats) = try slot.generator.generate(prompt: prompt, options: options, grammar: grammar, shouldStop: shouldStop, emit: emit)
        return (text, stats, slot.generator.cached)
    }

    /// The embedding of `tokens` (see `LlamaModel.embedding`), computed between the batch's steps.
    package func embedding(_ tokens: [Int]) throws -> [Float] {
        try model.runner!.exclusive { model in
            defer { model.reset() }
            return try model.embedding(tokens)
        }
    }
}
