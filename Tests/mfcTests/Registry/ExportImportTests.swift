import Foundation
import Testing
import TestSupport
@testable import mfc

/// `mfc export` writes an OCI image layout tar that `mfc import` and skopeo read.
@Suite(.serialized) struct ExportImportTests {
    @Test func exportImportAndSkopeoCopyToARegistry() throws {
        let registry = try LocalRegistry()
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/store"
        #expect(runMFC(["build", dir, "--store", store]).status == 0)
        let original = try #require(RegistryTests.manifest(store, "registry.ollama.ai/library/mario/latest"))
        let export = runMFC(["export", "mario", dir + "/mario.tar", "--store", store])
        #expect(export.status == 0, "\(export.err)")
        let listing = try LocalRegistry.output(of: "tar", ["tf", dir + "/mario.tar"])
        #expect(listing.hasPrefix("oci-layout\nindex.json\nblobs/\nblobs/sha256/\n"), "\(listing)")

        // Into an empty store: the exact manifest comes back.
        let imported = runMFC(["import", dir + "/mario.tar", "--store", dir + "/imported"])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(RegistryTests.manifest(dir + "/imported", "registry.ollama.ai/library/mario/latest") == original)
        let verify = runMFC(["verify", "--store", dir + "/imported"])
        #expect(verify.status == 0 && !verify.out.contains("no model references"), "\(verify.out)")

        // skopeo reads the archive and copies it to the registry; mfc pulls that back.
        let remote = "\(registry.host)/team/exported:latest"
        try LocalRegistry.output(of: "skopeo", ["copy", "--dest-tls-verify=false", "oci-archive:" + dir + "/mario.tar", "docker://" + remote])
        let raw = try LocalRegistry.output(of: "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://" + remote])
        #expect(raw.contains("application/vnd.ollama.image.model"))
        let pulled = runMFC(["pull", remote, "--insecure", "--store", dir + "/pulled"])
        #expect(pulled.status == 0, "\(pulled.err)")
        #expect(runMFC(["verify", "--store", dir + "/pulled"]).status == 0)

        // skopeo's own copy of the layout (re-archived by skopeo) imports under a given name.
        try LocalRegistry.output(of: "skopeo", ["copy", "oci-archive:" + dir + "/mario.tar", "oci-archive:" + dir + "/again.tar:latest"])
        let again = runMFC(["import", dir + "/again.tar", "mario-again", "--store", dir + "/imported"])
        #expect(again.status == 0, "\(again.err)")
        #expect(runMFC(["verify", "--store", dir + "/imported"]).status == 0)
    }

    @Test func aCorruptBlobInAnArchiveIsRefused() throws {
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/store"
        #expect(runMFC(["build", "-f", dir + "/smollm2-chat.Modelfile", "--store", store]).status == 0)
        #expect(runMFC(["export", "smollm2-chat", dir + "/smol.tar", "--store", store]).status == 0)
        // Flip one byte inside the template blob's content.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/smol.tar")))
        let needle = Array("<|im_start|>".utf8)
        let at = try #require((0..<bytes.count - needle.count).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        bytes[at] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.tar"))
        let r = runMFC(["import", dir + "/bad.tar", "--store", dir + "/other"])
        #expect(r.status == 1)
        #expect(r.err.contains("does not match its digest"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/other/manifests"))
    }
}
