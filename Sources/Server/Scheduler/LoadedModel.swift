import Builder
import Foundation
import Runtime

/// One model in memory: its resolved manifest, what `mfc run` loads from it, and a pool of model
/// instances (one per concurrent request, each with its own cache) up to the parallel limit.
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
    /// Instances not serving a request (their caches keep the last prompt for reuse).
    var idle: [Generator] = []
    /// Requests holding an instance.
    var busy = 0
    /// Requests waiting for an instance.
    var waiting = 0
    /// nil: stays loaded.
    var expiresAt: Date?
    var lastUsed = Date()
    /// Context length of each instance.
    var contextLength = 0
    /// Bytes of the model's layers (what `ps` reports).
    var size: Int64 = 0

    init(key: String) { self.key = key }

    var isReady: Bool { if case .ready = state { return true }; return false }
}

/// A request's hold on one model instance; give it back with `ModelScheduler.release`.
package final class ModelLease: @unchecked Sendable {
    let model: LoadedModel
    package let generator: Generator
    /// Time spent loading the model for this request (zero when it was loaded already).
    package let loadDuration: Duration
    package var runnable: RunnableModel { model.runnable! }
    package var resolved: ResolvedModel { model.resolved! }

    init(model: LoadedModel, generator: Generator, loadDuration: Duration) {
        self.model = model
        self.generator = generator
        self.loadDuration = loadDuration
    }
}
