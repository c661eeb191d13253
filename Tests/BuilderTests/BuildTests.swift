import Foundation
import Synchronization
import Testing
@testable import Builder
import ModelfileLang

/// A Modelfile over the minimal GGUF: every step on a tiny input.
@Test func minimalBuildMatchesOllamaFixtures() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    let builder = ModelBuilder(store: store, clock: laterClock)
    let r = try builder.build(modelfile: "FROM test.gguf\n", directory: dir, as: ModelName(parsing: "t"))
    let m = try #require(try store.manifest(ModelName(parsing: "t")))
    #expect(m.layers.map(\.digest.hex) == ["89a2116c3a82d6a97f59f748d86ed4417214353fd178ee54df418fde32495fad"])
    #expect(m.layers.first?.from == "test.gguf")
    #expect(m.config.digest.hex == "99759ad5b91e723db0393d698ffbb448b1b7df5ff6377a108c49254583b1bc8c")
    #expect(r.steps.map(\.status) == [.done, .done, .done])
}

@Test func parametersAndMessagesEncodeLikeOllama() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    let text = """
    FROM test.gguf
    PARAMETER temperature 1
    PARAMETER stop USER:
    PARAMETER stop ASSISTANT:
    PARAMETER top_k 10
    MESSAGE user Hello <there>
    MESSAGE assistant Hi
    LICENSE MIT
    TEMPLATE {{ .Prompt }}
    SYSTEM Say hi!

    """
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: text, directory: dir, as: ModelName(parsing: "p"))
    let m = try #require(try store.manifest(ModelName(parsing: "p")))
    #expect(m.layers.map { stepName($0.mediaType) } == ["model", "template", "system", "license", "params", "messages"])
    #expect(m.layers(ofType: MediaType.params).first?.digest.hex == "1d0ad71299d48c2fb7ae2b98e683643e771f8a5b72be34942af90d97a91c1e37")
    #expect(m.layers(ofType: MediaType.system).first?.digest.hex == "f29e82a8284dbdf5910b1555580ff60b04238b8da9d5e51159ada67a4d0d5851")
    #expect(m.layers(ofType: MediaType.template).first?.digest.hex == "b507b9c2f6ca642bffcd06665ea7c91f235fd32daeefdf875a0f938db05fb315")
    let messages = try #require(m.layers(ofType: MediaType.messages).first)
    let bytes = try #require(FileIO.read(store.blobs.path(of: messages.digest)))
    #expect(String(decoding: bytes, as: UTF8.self) == "[{\"role\":\"user\",\"content\":\"Hello \\u003cthere\\u003e\"},{\"role\":\"assistant\",\"content\":\"Hi\"}]\n")
}

/// The build lints first: checker errors stop it, rendered as diagnostics.
@Test func badParametersStopTheBuild() {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    for (line, code) in [("PARAMETER temprature 1", "error[MF1002]: unknown parameter 'temprature'"), ("PARAMETER top_k 1.5", "error[MF1003]"),
                         ("PARAMETER top_p x", "error[MF1003]"), ("PARAMETER use_mmap maybe", "error[MF1003]")] {
        do {
            _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM test.gguf\n\(line)\n", directory: dir, as: ModelName(parsing: "p"))
            Issue.record("\(line) built")
        } catch { #expect(error.message.contains("Modelfile:2:") && error.message.contains(code), "\(error)") }
    }
    #expect(store.modelNames().isEmpty)
}

/// Values are typed once, by the checker, as Ollama's `api.FormatParams` does; deprecated names warn.
@Test func parametersAreTypedLikeOllama() throws {
    let text = "FROM x\nPARAMETER top_k 10\nPARAMETER stop a\nPARAMETER stop b\nPARAMETER temperature 0.7\nPARAMETER use_mmap T\nPARAMETER mirostat 1\n"
    let input = try ModelfileFrontEnd.input(Array(text.utf8), path: "Modelfile", directory: "/")
    #expect(input.parameters["top_k"] == .int(10))
    #expect(input.parameters["stop"] == .strings(["a", "b"]))
    #expect(input.parameters["temperature"] == .float(0.7))
    #expect(input.parameters["use_mmap"] == .bool(true))
    #expect(input.parameters["mirostat"] == nil)
    #expect(input.deprecatedParameters == ["mirostat"])
    #expect(input.parameters.storedJSON["stop"] == .array([.string("a"), .string("b")]))
    #expect(input.parameters.storedJSON["temperature"] == .float32(0.7))
}

@Test func inheritsFromABuiltModel() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM test.gguf\nSYSTEM base\nPARAMETER top_k 10\nPARAMETER stop a\nLICENSE MIT\nMESSAGE user u\nRENDERER r1\n",
                    directory: dir, as: ModelName(parsing: "base"))
    _ = try b.build(modelfile: "FROM base\nPARAMETER temperature 0.6\nPARAMETER stop b\nLICENSE Apache-2.0\nSYSTEM \"\"\n",
                    directory: dir, as: ModelName(parsing: "child"))
    let m = try #require(try store.manifest(ModelName(parsing: "child")))
    #expect(m.layers.map { stepName($0.mediaType) } == ["model", "system", "license", "messages", "license", "params"])
    #expect(m.layers.prefix(4).allSatisfy { $0.from == "base:latest" })
    let params = try #require(m.layers(ofType: MediaType.params).first)
    #expect(String(decoding: try #require(FileIO.read(store.blobs.path(of: params.digest))), as: UTF8.self)
            == "{\"stop\":[\"b\"],\"temperature\":0.6,\"top_k\":10}\n")
    let config = try ModelConfig(bytes: try #require(FileIO.read(store.blobs.path(of: m.config.digest))))
    #expect(config.renderer == "r1")
    #expect(config.modelFamily == "test")
}

/// A safetensors folder without config.json says so (not that imports are unsupported).
@Test func safetensorsFolderWithoutConfigSaysConfigIsMissing() {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes([0], to: dir + "/model.safetensors")
    do {
        _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM .\n", directory: dir, as: ModelName(parsing: "s"))
        Issue.record("built a folder without config.json")
    } catch {
        #expect(error.message.contains("the folder has safetensors weights but no config.json"), "\(error.message)")
    }
}

/// User-facing strings never name an issue or a session of the project's own tracker.
@Test func noMessageNamesAnIssueOrASession() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources").path
    let files = try #require(FileManager.default.enumerator(atPath: sources)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    #expect(files.count > 100)
    let pattern = try Regex(#""[^"\n]*\b(issue|session) #?[0-9][^"\n]*""#).ignoresCase()
    for file in files {
        let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") && line.contains(pattern) {
            Issue.record("\(file):\(n + 1) names an issue or session: \(line.trimmingCharacters(in: .whitespaces))")
        }
    }
}

/// A failure after any step leaves a store that verifies clean, and the next build completes it.
@Test func injectedFailuresLeaveAConsistentStore() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    let text = "FROM test.gguf\nSYSTEM s\nTEMPLATE t\nPARAMETER top_k 1\nLICENSE l\nMESSAGE user m\n"
    let b = ModelBuilder(store: store, clock: laterClock)
    let full = try b.build(modelfile: text, directory: dir, as: ModelName(parsing: "ref"))
    for step in 1...full.steps.count {
        var options = BuildOptions()
        options.failAfterStep = step
        let variant = text + "SYSTEM changed \(step)\n"
        #expect(throws: StoreError.self) { try b.build(modelfile: variant, directory: dir, as: ModelName(parsing: "x"), options: options) }
        let report = store.verify()
        #expect(report.isClean, "after step \(step)")
        #expect(report.temporaryFiles.isEmpty)
    }
    let done = try b.build(modelfile: text, directory: dir, as: ModelName(parsing: "x"))
    #expect(done.manifestDigest != nil)
    #expect(store.verify().isClean)
    // A process killed while copying leaves only a temp file: reported with its size, not corruption.
    writeBytes([1, 2, 3], to: store.blobs.directory + "/sha256-tmp-1-2")
    let report = store.verify()
    #expect(report.isClean)
    #expect(report.temporaryFiles == [TemporaryFile(path: "blobs/sha256-tmp-1-2", size: 3, isStale: true)])
}

@Test func verifyFindsCorruptionAndDanglingReferences() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/test.gguf")
    _ = try ModelBuilder(store: store, clock: laterClock).build(modelfile: "FROM test.gguf\nSYSTEM hello\n", directory: dir, as: ModelName(parsing: "v"))
    #expect(store.verify().isClean)
    let m = try #require(try store.manifest(ModelName(parsing: "v")))
    let system = try #require(m.layers(ofType: MediaType.system).first)
    writeBytes(Array("hellO".utf8), to: store.blobs.path(of: system.digest))
    #expect(store.verify().corruptBlobs == [system.digest])
    store.blobs.remove(system.digest)
    #expect(store.verify().danglingReferences.map(\.1) == [system.digest])
}

/// A file modified within the last two seconds (and not changed since) is not trusted by its stat.
@Test func racilyCleanFilesAreNotRemembered() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    let now = Atomic<Int64>(11_000_000_000)
    let cache = StatCache(log: ActionLog(path: dir + "/log"), clock: WallClock { now.load(ordering: .relaxed) })
    let digest = Digest.of([1])
    let st = FileStat(device: 1, inode: 2, size: 1, mtimeNanoseconds: 10_000_000_000, isDirectory: false, isRegular: true)
    cache.remember(digest, for: "/f", stat: st)
    #expect(cache.digest(for: "/f", stat: st) == nil)
    now.store(12_000_000_000, ordering: .relaxed)
    cache.remember(digest, for: "/f", stat: st)
    #expect(cache.digest(for: "/f", stat: st)?.digest == digest)
    var changed = st
    changed.mtimeNanoseconds += 1
    #expect(cache.digest(for: "/f", stat: changed) == nil)
    // The log survives a reload (a new process).
    #expect(StatCache(log: ActionLog(path: dir + "/log")).digest(for: "/f", stat: st)?.digest == digest)
}

/// A file whose status changed a racy window or more after its last write (renamed, chmod'ed, a
/// blob mfc stamped) is settled whatever the clock says: any later write stamps a time past its
/// mtime. A smaller gap proves nothing.
@Test func aFileChangedWellAfterItsLastWriteIsRememberedAtOnce() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    let cache = StatCache(log: ActionLog(path: dir + "/log"), clock: WallClock { 10_000_000_000 })
    let digest = Digest.of([1])
    var st = FileStat(device: 1, inode: 2, size: 1, mtimeNanoseconds: 10_000_000_000, isDirectory: false, isRegular: true)
    st.ctimeNanoseconds = st.mtimeNanoseconds + StatCache.racyWindowNanoseconds - 1
    cache.remember(digest, for: "/f", stat: st)
    #expect(cache.digest(for: "/f", stat: st) == nil)
    st.ctimeNanoseconds += 1
    cache.remember(digest, for: "/f", stat: st)
    #expect(cache.digest(for: "/f", stat: st)?.digest == digest)
}

/// mfc's stamp on a file it has just written settles it: its mtime goes a racy window below the
/// last write, its ctime stays at or after it, and a later write moves the mtime past the stamp.
@Test func theSettledStampLeavesRoomForEveryLaterWrite() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    let path = dir + "/blob"
    writeBytes([1, 2, 3], to: path)
    let written = try #require(FileIO.status(path))
    let fd = open(path, O_WRONLY)
    #expect(fd >= 0)
    StatCache.stampSettled(fd)
    close(fd)
    let stamped = try #require(FileIO.status(path))
    #expect(stamped.mtimeNanoseconds <= written.mtimeNanoseconds - StatCache.racyWindowNanoseconds)
    #expect(stamped.ctimeNanoseconds - stamped.mtimeNanoseconds >= StatCache.racyWindowNanoseconds)
    #expect(StatCache(log: ActionLog(path: dir + "/log"), clock: WallClock { 0 }).isSettled(stamped))
    let again = open(path, O_WRONLY)
    #expect(again >= 0)
    #expect(pwrite(again, [9], 1, 0) == 1)
    close(again)
    #expect(try #require(FileIO.status(path)).mtimeNanoseconds > stamped.mtimeNanoseconds)
}

/// `show --modelfile` of models built from a file and from a stored base both rebuild to the
/// same manifest digest.
@Test func printedModelfilesRebuildToTheSameDigest() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    let sources = [
        ("base", "FROM m.gguf\nTEMPLATE \"\"\"{{ .System }}\n{{ .Prompt }}\"\"\"\nSYSTEM \"  padded \"\nPARAMETER stop \"a b\"\nPARAMETER stop <|x|>\nPARAMETER num_ctx 4096\nLICENSE \"\"\"line \"one\"\nline two\"\"\"\nMESSAGE user hi\nREQUIRES 0.5.1\nRENDERER r\n"),
        ("child", "FROM base\nSYSTEM child\nPARAMETER temperature 0.25\nLICENSE MIT\n"),
        ("grandchild", "FROM child\nMESSAGE assistant yo\nPARSER p\n"),
    ]
    for (name, text) in sources {
        let built = try b.build(modelfile: text, directory: dir, as: ModelName(parsing: name))
        let printed = ModelfilePrinter.modelfile(for: try store.resolve(ModelName(parsing: name)), store: store)
        let again = try b.build(modelfile: printed, directory: dir, as: ModelName(parsing: name + "-again"))
        #expect(again.manifestDigest == built.manifestDigest, "\(name):\n\(printed)")
    }
}
