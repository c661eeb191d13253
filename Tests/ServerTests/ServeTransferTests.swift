import Foundation
import Testing
import TestSupport

/// `mfc serve`'s /api/push and /api/pull, driven by the official ollama Python client, against a
/// real distribution registry.
@Suite(.serialized) struct ServeTransferTests {
    @Test func ollamaClientPushesAndPullsThroughTheServer() throws {
        let registry = try LocalRegistry()
        let server = try ServeFixture()
        let r = try server.python("ollama_transfer.py", [registry.host])
        #expect(r.status == 0 && r.output.contains("all ok"), "\(r.output)\n--- server log ---\n\(server.log.text.suffix(3000))")
        #expect(server.stop() == 0)
    }
}
