import Foundation
import Synchronization
import Testing
@testable import Builder

/// Flips one byte of a file in place (same size); with `keepTime` the mtime is put back, as a
/// disk error that no write explains would leave it.
func corrupt(_ path: String, keepTime: Bool = false) throws {
    let before = try #require(FileIO.status(path))
    let fd = open(path, O_RDWR)
    #expect(fd >= 0)
    var byte: UInt8 = 0
    #expect(pread(fd, &byte, 1, 0) == 1)
    byte ^= 0xFF
    #expect(pwrite(fd, &byte, 1, 0) == 1)
    close(fd)
    if keepTime {
        let sec = before.mtimeNanoseconds / 1_000_000_000, nsec = before.mtimeNanoseconds % 1_000_000_000
        var times = [timespec(tv_sec: Int(sec), tv_nsec: Int(nsec)), timespec(tv_sec: Int(sec), tv_nsec: Int(nsec))]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }
}

/// The digest a blob's content hashes to now.
func contentDigest(_ store: ModelStore, _ d: Digest) throws -> Digest {
    try store.blobs.hashFile(store.blobs.path(of: d), countAsSource: false).digest
}

/// A blob corrupted without a size change is noticed by its digest: the next build copies the
/// source again (not CACHED), and a new model from the same source points at a good blob.
@Test func sameSizeCorruptionIsRepairedByTheNextBuild() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "a"))
    let model = try #require(try store.manifest(ModelName(parsing: "a"))?.layers.first)
    try corrupt(store.blobs.path(of: model.digest))
    #expect(!store.verify().isClean)
    let again = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "a"))
    #expect(again.steps.first { $0.name == "model" }?.status == .done)
    #expect(try contentDigest(store, model.digest) == model.digest)
    #expect(store.verify().isClean)
}

/// Corruption that keeps size and mtime escapes the stat check; `--no-cache` re-verifies and
/// keeps the fresh copy instead of the damaged blob.
@Test func noCacheReplacesABlobCorruptedBehindTheStatCache() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    let model = try #require(try store.manifest(ModelName(parsing: "a"))?.layers.first)
    try corrupt(store.blobs.path(of: model.digest), keepTime: true)
    var options = BuildOptions()
    options.noCache = true
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"), options: options)
    #expect(try contentDigest(store, model.digest) == model.digest)
    // A second model from the same source shares the now good blob.
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM other\n", directory: dir, as: ModelName(parsing: "b"))
    #expect(store.verify().isClean)
}

/// `repair` restores a damaged blob from the source file it was imported from, and says so
/// when no source is left.
@Test func repairRestoresFromTheSourceWhileItIsThere() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    let model = try #require(try store.manifest(ModelName(parsing: "a"))?.layers.first)
    try corrupt(store.blobs.path(of: model.digest))
    let damaged = store.verify().damagedDigests
    #expect(damaged == [model.digest])
    let outcome = try store.repair(damaged)
    #expect(outcome.first?.source == dir + "/m.gguf")
    #expect(store.verify().isClean)
    try corrupt(store.blobs.path(of: model.digest))
    unlink(dir + "/m.gguf")
    #expect(try store.repair(damaged).first?.source == nil)
}

/// A FROM that is not a model file fails before anything becomes a blob, and a blob is never
/// more readable than its source.
@Test func failedImportLeavesNoBlobAndBlobsKeepTheSourcePermissions() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    write("secret: not a model\n", to: dir + "/shadow")
    chmod(dir + "/shadow", 0o640)
    #expect(throws: StoreError.self) {
        try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM shadow\n", directory: dir, as: ModelName(parsing: "x"))
    }
    #expect(store.blobs.allFileNames().isEmpty, "\(store.blobs.allFileNames())")
    writeBytes(minimalGGUF(), to: dir + "/private.gguf")
    chmod(dir + "/private.gguf", 0o640)
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM private.gguf\n", directory: dir, as: ModelName(parsing: "p"))
    let model = try #require(try store.manifest(ModelName(parsing: "p"))?.layers.first)
    #expect(try #require(FileIO.status(store.blobs.path(of: model.digest))).permissions == 0o640)
}

/// A pid that no longer runs: a child that has exited.
func deadPID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "exit 0"]
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

/// Temporaries of a writer that is gone are deleted by the next build; those of a live writer
/// (this process, which holds its writer lock) stay; `verify` lists them with their size.
@Test func staleTemporariesAreRemovedByTheNextBuild() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    let dead = try deadPID()
    writeBytes([UInt8](repeating: 1, count: 100), to: store.blobs.directory + "/sha256-tmp-\(dead)-7")
    writeBytes([1, 2], to: store.blobs.directory + "/quantize-tmp-\(dead)-8.gguf.partial")
    let live = try store.temporaries.path(in: store.blobs.directory, kind: "sha256")
    writeBytes([3], to: live)
    let report = store.verify()
    #expect(report.isClean)
    #expect(report.temporaryFiles.map(\.size).sorted() == [1, 2, 100])
    #expect(report.temporaryFiles.filter(\.isStale).count == 2)
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "a"))
    #expect(store.verify().temporaryFiles.map(\.path) == ["blobs/" + (live as NSString).lastPathComponent])
}

/// `prune` deletes blobs no manifest references and keeps every referenced one.
@Test func pruneCollectsUnreferencedBlobs() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "a"))
    let orphan = try store.blobs.write(Array("orphan".utf8))
    let report = try store.prune()
    #expect(report.blobs.map(\.digest) == [orphan.digest])
    #expect(!FileIO.exists(store.blobs.path(of: orphan.digest)))
    #expect(store.verify().isClean)
    #expect(store.verify().unreferencedBlobs.isEmpty)
}

/// `copy` reads its source under the store lock: a copy that waited for the lock while the
/// source was removed fails instead of writing a manifest whose blobs are gone.
@Test func copyReadsItsSourceUnderTheLock() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM m.gguf\nSYSTEM s\n", directory: dir, as: ModelName(parsing: "src"))
    let held = try store.lock(exclusive: true)
    let result = Mutex<Result<Void, StoreError>?>(nil)
    let copier = Thread {
        let r: Result<Void, StoreError>
        do throws(StoreError) { try store.copy(from: ModelName(parsing: "src"), to: ModelName(parsing: "dst")); r = .success(()) }
        catch { r = .failure(error) }
        result.withLock { $0 = r }
    }
    copier.start()
    // Give the copy time to reach the lock (without the fix it reads the source before it).
    Thread.sleep(forTimeInterval: 0.3)
    #expect(result.withLock { $0 } == nil, "copy finished while the exclusive lock was held")
    // What `rm src` does under the lock: the manifest and its blobs go.
    let m = try #require(try store.manifest(ModelName(parsing: "src")))
    unlink(store.manifestPath(ModelName(parsing: "src")))
    for d in m.allDescriptors { store.blobs.remove(d.digest) }
    held.unlock()
    while result.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.01) }
    if case .success = result.withLock({ $0 }) { Issue.record("copy succeeded after its source was removed") }
    #expect(store.modelNames().isEmpty)
    #expect(store.verify().isClean)
}

/// Cache timing through the injected clock: a file written "just now" is hashed again on each
/// build; once the clock is past the racy window its stat alone is trusted. No sleep, no backdating.
@Test func statCacheTrustsAFileOnlyAfterTheRacyWindow() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let mtime = try #require(FileIO.status(dir + "/m.gguf")).mtimeNanoseconds
    let now = Atomic<Int64>(mtime)
    let b = ModelBuilder(store: store, clock: WallClock { now.load(ordering: .relaxed) })
    let size = minimalGGUF().count
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    let second = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == 2 * size, "a racily clean file is read again")
    #expect(second.steps.first?.status == .done)
    now.store(mtime + 3_000_000_000, ordering: .relaxed)
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))   // hashed, now remembered
    let fourth = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "a"))
    #expect(store.blobs.sourceBytesRead.load(ordering: .relaxed) == 3 * size)
    #expect(fourth.upToDate)
}

/// The blobs a build writes are settled at once: a rebuild right after the build, with the clock
/// past the source's racy window but not the blobs', hashes no blob again. A write to a blob
/// afterwards still changes its stat and is caught without the clock moving; one that puts the
/// mtime back is caught by `--no-cache`.
@Test func aRebuildRightAfterABuildHashesNoBlob() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let sourceTime = try #require(FileIO.status(dir + "/m.gguf")).mtimeNanoseconds
    let clock = WallClock { sourceTime + StatCache.racyWindowNanoseconds }
    let b = ModelBuilder(store: store, clock: clock)
    let modelfile = "FROM m.gguf\nSYSTEM s\nPARAMETER top_k 3\n"
    _ = try b.build(modelfile: modelfile, directory: dir, as: ModelName(parsing: "a"))
    let hashedByFirst = store.blobs.blobBytesHashed.load(ordering: .relaxed)
    let second = try b.build(modelfile: modelfile, directory: dir, as: ModelName(parsing: "a"))
    #expect(second.upToDate)
    #expect(store.blobs.blobBytesHashed.load(ordering: .relaxed) == hashedByFirst, "a blob the first build wrote was hashed again")
    let m = try #require(try store.manifest(ModelName(parsing: "a")))
    let cache = StatCache(log: store.openActionLog(), clock: clock)
    let system = try #require(m.layers(ofType: MediaType.system).first)
    try corrupt(store.blobs.path(of: system.digest))
    #expect(store.firstDamagedBlob(of: m, cache: cache) == system)
    let model = try #require(m.layers(ofType: MediaType.model).first)
    try corrupt(store.blobs.path(of: model.digest), keepTime: true)
    #expect(!store.blobs.isIntact(model.digest, size: model.size, cache: cache, trustStat: false))
}

/// The plan is data: the steps of a Modelfile, in order, before anything runs.
@Test func planListsTheStepsOfAModelfile() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let input = try ModelfileFrontEnd.input(Array("FROM m.gguf\nTEMPLATE t\nSYSTEM s\nLICENSE l\nPARAMETER top_k 3\nMESSAGE user hi\n".utf8),
                                            path: "Modelfile", directory: dir)
    var options = BuildOptions()
    options.quantize = QuantizeRequest(fileType: .q8_0)
    let build = BuildRun(builder: ModelBuilder(store: store, clock: laterClock), name: ModelName(parsing: "p"), options: options)
    var notes: [String] = []
    let source = try SourceResolver.resolve(input.from, directory: dir, home: dir, notes: &notes)
    let steps = try BuildPlan.steps(for: input, source: source, parameters: [:], build: build)
    #expect(steps.map { "\(type(of: $0))" } == ["ImportFileStep", "DetectTemplateStep", "AdapterFitStep", "QuantizeStep", "TextLayerStep",
                                                 "TextLayerStep", "TextLayerStep", "ParamsStep", "TextLayerStep", "ConfigStep", "ManifestStep"])
    #expect(steps.compactMap { ($0 as? TextLayerStep)?.name } == ["template", "system", "license", "messages"])
    #expect(store.blobs.allFileNames().isEmpty, "planning writes nothing")
}

/// A model built FROM a stored model whose blob is damaged is refused, naming the blob.
@Test func fromADamagedBaseModelIsRefused() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM base\n", directory: dir, as: ModelName(parsing: "base"))
    let system = try #require(try store.manifest(ModelName(parsing: "base"))?.layers(ofType: MediaType.system).first)
    try corrupt(store.blobs.path(of: system.digest))
    #expect {
        try b.build(modelfile: "FROM base\nPARAMETER top_k 1\n", directory: dir, as: ModelName(parsing: "child"))
    } throws: { error in
        "\(error)".contains("base model 'base:latest' is damaged: blob \(system.digest)")
    }
    #expect(try store.manifest(ModelName(parsing: "child")) == nil)
}
