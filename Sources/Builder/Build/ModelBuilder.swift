import Foundation
import ModelfileLang

/// Builds one Modelfile into a manifest in the store, doing only the work its changes require.
///
/// The build is a list of steps (`BuildPlan`, one file per step under `Graph/Steps`) that one
/// executor (`BuildRun`) walks; each step is reported as DONE or CACHED. A whole-build action key
/// (`WholeBuildKey`) lets a no-op rebuild stop after a few `stat` calls without opening any
/// model file.
package struct ModelBuilder: Sendable {
    package let store: ModelStore
    package let log: ActionLog
    let home: String
    /// The wall clock the stat cache compares mtimes with (tests move it instead of sleeping).
    let wallClock: WallClock

    /// A builder writing into `store`; `home` expands `~` in FROM/ADAPTER/DRAFT paths.
    package init(store: ModelStore, home: String = FileSystemProbe.homeDirectory(), clock: WallClock = .system) {
        self.store = store
        self.log = store.openActionLog()
        self.home = home
        self.wallClock = clock
    }

    /// Source and blob digests remembered by (device, inode, size, mtime).
    var statCache: StatCache { StatCache(log: log, clock: wallClock) }

    /// Parses and builds a Modelfile text.
    package func build(modelfile text: String, directory: String, as name: ModelName,
                      options: BuildOptions = BuildOptions()) throws(StoreError) -> BuildResult {
        try build(try ModelfileFrontEnd.input(Array(text.utf8), path: "Modelfile", directory: directory), as: name, options: options)
    }

    /// Builds `input` as `name`.
    package func build(_ input: BuildInput, as name: ModelName, options: BuildOptions = BuildOptions()) throws(StoreError) -> BuildResult {
        guard name.isValid else { throw StoreError("invalid model name '\(name.displayShortest)'") }
        let clock = ContinuousClock()
        let start = clock.now
        let lock = try store.lock(exclusive: false)
        var run = BuildRun(builder: self, name: store.canonical(name), options: options)
        var previous: Manifest? = nil
        do {
            store.removeStaleTemporaries()   // leftovers of killed builds
            previous = try? store.manifest(run.name) ?? nil
            try run.execute(input)
            lock.unlock()
        } catch {
            lock.unlock()
            throw error
        }
        if options.prune, !options.dryRun, let previous, let now = run.manifest, previous != now {
            try prune(replaced: previous)
        }
        return BuildResult(name: run.name, manifestDigest: run.manifestDigest, steps: run.steps, warnings: run.warnings,
                           notes: run.notes, seconds: (clock.now - start).seconds)
    }

    /// Deletes blobs of a replaced manifest that no manifest references any more (under the
    /// exclusive lock, so no concurrent build is between writing a blob and its manifest).
    func prune(replaced: Manifest) throws(StoreError) {
        let lock = try store.lock(exclusive: true)
        defer { lock.unlock() }
        let used = store.referencedDigests()
        for d in Set(replaced.allDescriptors.map(\.digest)) where !used.contains(d) { store.blobs.remove(d) }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

