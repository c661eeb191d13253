import Foundation
import Testing
import TestSupport
@testable import mfc

/// Push and pull against a real distribution registry (see LocalRegistry), with the examples'
/// Mario persona on SmolLM2.
@Suite(.serialized) struct RegistryTests {
    /// The greedy answer used to check that a pulled model behaves like the pushed one.
    static func answer(_ name: String, store: String) -> String {
        runMFC(["run", name, "Who are you?", "--store", store, "--param", "temperature=0", "--param", "num_predict=12"]).out
    }

    static func manifest(_ store: String, _ path: String) -> Data? {
        FileManager.default.contents(atPath: "\(store)/manifests/\(path)")
    }

    @Test func pushRemovePullRoundTrip() throws {
        let registry = try LocalRegistry()
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/store"
        #expect(runMFC(["build", dir, "--store", store]).status == 0)
        let remote = "\(registry.host)/team/mario"
        #expect(runMFC(["cp", "mario", remote, "--store", store]).status == 0)
        let before = Self.answer("mario", store: store)
        let original = try #require(Self.manifest(store, "\(registry.host)/team/mario/latest"))

        let push = runMFC(["push", remote, "--insecure", "--store", store])
        #expect(push.status == 0, "\(push.err)")
        #expect(push.out.contains("6 blobs uploaded"), "\(push.out)")
        // Ollama's media types and the exact bytes travel: the registry's manifest is ours.
        let raw = try LocalRegistry.output(of: "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(remote):latest"])
        #expect(Data(raw.utf8) == original)
        #expect(raw.contains("application/vnd.ollama.image.model"))

        // The second push sends no blob: HEAD answers for all of them.
        usleep(300_000)
        let uploadsBefore = registry.requests("POST") + registry.requests("PATCH")
        let again = runMFC(["push", remote, "--insecure", "--store", store])
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("0 blobs uploaded (0 B), 6 already present"), "\(again.out)")
        usleep(300_000)
        #expect(registry.requests("POST") + registry.requests("PATCH") == uploadsBefore)

        // Remove everything locally (rm deletes blobs nothing else uses), then pull it back.
        for name in ["mario", "smollm2-chat", remote] { #expect(runMFC(["rm", name, "--store", store]).status == 0) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: store + "/blobs").isEmpty)
        let pull = runMFC(["pull", remote, "--insecure", "--store", store])
        #expect(pull.status == 0, "\(pull.err)")
        #expect(Self.manifest(store, "\(registry.host)/team/mario/latest") == original)
        let verify = runMFC(["verify", "--store", store])
        #expect(verify.status == 0 && verify.out.contains("ok: 6 blobs"), "\(verify.out)")
        #expect(Self.answer(remote, store: store) == before)
        #expect(!before.isEmpty)
    }

    @Test func pullIntoAStoreWithTheBaseMovesOnlySmallLayers() throws {
        let registry = try LocalRegistry()
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = dir + "/first", second = dir + "/second"
        #expect(runMFC(["build", dir, "--store", first]).status == 0)
        let remote = "\(registry.host)/team/mario"
        #expect(runMFC(["cp", "mario", remote, "--store", first]).status == 0)
        #expect(runMFC(["push", remote, "--insecure", "--store", first]).status == 0)

        // The second store builds only the base (the same GGUF import gives the same blobs).
        #expect(runMFC(["build", "-f", dir + "/smollm2-chat.Modelfile", "--store", second]).status == 0)
        usleep(300_000)
        let blobGetsBefore = registry.requests("GET", containing: "/blobs/")
        let pull = runMFC(["pull", remote, "--insecure", "--store", second])
        #expect(pull.status == 0, "\(pull.err)")
        // Mario's system and params layers: a few hundred bytes; the model, template, license and
        // config are already there.
        #expect(pull.out.contains("2 blobs downloaded"), "\(pull.out)")
        #expect(pull.out.contains("4 already present"), "\(pull.out)")
        usleep(300_000)
        #expect(registry.requests("GET", containing: "/blobs/") - blobGetsBefore == 2)
        #expect(runMFC(["verify", "--store", second]).status == 0)
    }

    @Test func basicAuthFromTheEnvironmentOrAnAuthFile() throws {
        let registry = try LocalRegistry(basicAuth: ("mfc-user", "s3cret-pass"))
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/store"
        #expect(runMFC(["build", "-f", dir + "/smollm2-chat.Modelfile", "--store", store]).status == 0)
        let remote = "\(registry.host)/team/smol"
        #expect(runMFC(["cp", "smollm2-chat", remote, "--store", store]).status == 0)

        let anonymous = runMFC(["push", remote, "--insecure", "--store", store], env: ["HOME": dir])
        #expect(anonymous.status == 1)
        #expect(anonymous.err.contains("MFC_REGISTRY_AUTH"), "\(anonymous.err)")

        let wrong = runMFC(["push", remote, "--insecure", "--store", store], env: ["MFC_REGISTRY_AUTH": "mfc-user:nope"])
        #expect(wrong.status == 1)
        #expect(!wrong.err.contains("nope"), "\(wrong.err)")

        let pushed = runMFC(["push", remote, "--insecure", "--store", store], env: ["MFC_REGISTRY_AUTH": "mfc-user:s3cret-pass"])
        #expect(pushed.status == 0, "\(pushed.err)")
        #expect(!(pushed.out + pushed.err).contains("s3cret"))

        // The containers auth file (what skopeo and podman read) works too.
        let token = Data("mfc-user:s3cret-pass".utf8).base64EncodedString()
        try #"{"auths":{"\#(registry.host)":{"auth":"\#(token)"}}}"#.write(toFile: dir + "/auth.json", atomically: true, encoding: .utf8)
        let pulled = runMFC(["pull", remote, "--insecure", "--store", dir + "/other"], env: ["MFC_REGISTRY_AUTH_FILE": dir + "/auth.json"])
        #expect(pulled.status == 0, "\(pulled.err)")
        #expect(Self.manifest(dir + "/other", "\(registry.host)/team/smol/latest") == Self.manifest(store, "\(registry.host)/team/smol/latest"))
    }

    @Test func plainHTTPNeedsInsecure() throws {
        let r = runMFC(["pull", "http://127.0.0.1:1/team/x", "--store", "/nonexistent"])
        #expect(r.status == 1)
        #expect(r.err.contains("--insecure"), "\(r.err)")
    }
}
