import Foundation
import Testing
import Runtime
import TestSupport
@testable import mfc

/// A pull never leaves a half-written or corrupt blob behind: killed at random points it resumes
/// and completes; a registry serving wrong bytes is refused.
@Suite(.serialized) struct PullSafetyTests {
    /// The `mfc` executable that `swift test` builds next to the test bundle.
    static func builtMFC() -> String {
        let directory = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
        return directory.appendingPathComponent("mfc").path
    }

    @Test func killedPullsResumeAndTheStoreStaysClean() throws {
        let registry = try LocalRegistry()
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = dir + "/source", target = dir + "/target"
        #expect(runMFC(["build", "-f", dir + "/smollm2-chat.Modelfile", "--store", source]).status == 0)
        let remote = "\(registry.host)/team/smol"
        #expect(runMFC(["cp", "smollm2-chat", remote, "--store", source]).status == 0)
        #expect(runMFC(["push", remote, "--insecure", "--store", source]).status == 0)

        let binary = Self.builtMFC()
        #expect(FileManager.default.isExecutableFile(atPath: binary), "no mfc binary at \(binary)")
        let seed = UInt64.random(in: 0...UInt64(UInt32.max))
        var rng = SplitMix64(seed: seed)   // the kill points replay from the printed seed
        var killed = 0
        for _ in 0..<4 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: binary)
            child.arguments = ["pull", remote, "--insecure", "--store", target, "--parallel", "2"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(useconds_t(20_000 + rng.next() % 400_000))
            if child.isRunning { kill(child.processIdentifier, SIGKILL); killed += 1 }
            child.waitUntilExit()
        }
        let finish = runMFC(["pull", remote, "--insecure", "--store", target])
        #expect(finish.status == 0, "seed \(seed): \(finish.err)")
        #expect(RegistryTests.manifest(target, "\(registry.host)/team/smol/latest") == RegistryTests.manifest(source, "\(registry.host)/team/smol/latest"),
                "seed \(seed)")
        let verify = runMFC(["verify", "--store", target])
        #expect(verify.status == 0, "seed \(seed): \(verify.out)")
        #expect(!verify.out.contains("leftover"), "seed \(seed): \(verify.out)")
        print("killed \(killed) of 4 pulls (seed \(seed))")
    }

    @Test func aCorruptBlobIsRefusedAndNothingLands() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-fake-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try #require(LocalRegistry.which("python3")))
        server.arguments = [Golden.repositoryRoot + "/Tests/mfcTests/Registry/fake-registry.py", dir + "/port", "tester:pw"]
        try server.run()
        // SIGKILL: the child inherits a signal mask that may block SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            usleep(100_000)
            port = (try? String(contentsOfFile: dir + "/port", encoding: .utf8)) ?? ""
        }
        #expect(!port.isEmpty, "the fake registry did not start")
        let store = dir + "/store"

        // Without credentials the token service refuses.
        let anonymous = runMFC(["pull", "127.0.0.1:\(port)/test/bad", "--insecure", "--store", store], env: ["HOME": dir])
        #expect(anonymous.status == 1)
        #expect(anonymous.err.contains("token service refused"), "\(anonymous.err)")

        // With them the bearer token is fetched, the manifest arrives, and the model blob is refused.
        let r = runMFC(["pull", "127.0.0.1:\(port)/test/bad", "--insecure", "--store", store], env: ["MFC_REGISTRY_AUTH": "tester:pw"])
        #expect(r.status == 1)
        #expect(r.err.contains("refused"), "\(r.err)")
        #expect(r.err.contains("digest"), "\(r.err)")
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: store + "/blobs")) ?? []
        #expect(!blobs.contains { $0.hasPrefix("sha256-") && $0.count == 71 && !$0.hasSuffix("partial") && !isConfig($0, store) },
                "\(blobs)")
        #expect(!blobs.contains { $0.hasSuffix("-partial") }, "\(blobs)")
        #expect(!FileManager.default.fileExists(atPath: store + "/manifests"))
        #expect(runMFC(["verify", "--store", store]).status == 0)
    }

    /// The small config blob is genuine and may land; only the corrupt model must not.
    private func isConfig(_ file: String, _ store: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: store + "/blobs/" + file) else { return false }
        return data.starts(with: Data("{".utf8))
    }
}
