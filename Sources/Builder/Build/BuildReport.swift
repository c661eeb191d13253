import ModelfileLang

/// How one build step ended.
package enum StepStatus: String, Sendable {
    /// The step did work (hashed, copied or wrote something).
    case done = "DONE"
    /// Its output was already there.
    case cached = "CACHED"
    /// `--dry-run`: the step would run.
    case planned = "RUN"
}

/// One line of a build's output.
package struct BuildStep: Sendable, Equatable {
    /// `model`, `adapter`, `template`, `system`, `license`, `params`, `messages`, `config`, `manifest`.
    package var name: String
    package var status: StepStatus
    /// What the step produced, e.g. `sha256:1a2b3c4d5e6f 98.4 MB`.
    package var detail: String
    /// Why it ran or why it was skipped (`--explain`).
    package var reason: String
    package var seconds: Double
}

/// The outcome of building one Modelfile.
package struct BuildResult: Sendable {
    package var name: ModelName
    /// nil for a dry run whose model import is still pending.
    package var manifestDigest: Digest?
    package var steps: [BuildStep]
    package var warnings: [String]
    package var notes: [String] = []
    package var seconds: Double
    /// True when nothing at all had to be done.
    package var upToDate: Bool { steps.allSatisfy { $0.status == .cached } }
}

/// Options shared by every build.
package struct BuildOptions: Sendable {
    package var noCache = false
    package var dryRun = false
    /// Progress of long blob operations (hash/copy), for a progress bar.
    package var progress: ProgressHandler? = nil
    /// Test hook: fail with an error right after this many steps have finished (1-based).
    package var failAfterStep: Int? = nil
    /// Ollama's named templates for chat-template auto-detection (nil: no detection).
    package var namedTemplates: NamedTemplates? = nil
    /// Delete blobs of the replaced manifest that nothing references any more (Ollama's prune).
    package var prune = true
    /// `--quantize`: convert the model layers (a cached action of its own).
    package var quantize: QuantizeRequest? = nil
    /// A shared cache of action outputs (`--cache`), asked after a local miss.
    package var remoteCache: (any RemoteActionCache)? = nil
    /// Fetches a FROM model the store lacks (from its registry, as Ollama pulls it); nil: no pulling.
    package var pullBase: (@Sendable (ModelName) throws(StoreError) -> Void)? = nil

    package init() {}
}

/// Human-readable byte counts (`98.4 MB`), decimal units like Ollama's `format.HumanBytes`.
package func humanBytes(_ n: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var v = Double(n), i = 0
    while v >= 1000, i < units.count - 1 { v /= 1000; i += 1 }
    if i == 0 { return "\(n) B" }
    let rounded = (v * 10).rounded() / 10
    return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " " + units[i]
}
