import Foundation
import Testing
import TestSupport
@testable import mfc

/// `mfc build --cache`: a quantization done by one store is a download for the next, and a cache
/// that cannot be reached never fails a build.
@Suite(.serialized) struct BuildCacheTests {
    @Test func aSecondStoreDownloadsTheQuantizedLayer() throws {
        let registry = try LocalRegistry()
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = "http://\(registry.host)/team/build-cache"
        func build(_ store: String, cache: String) -> (status: Int32, out: String, err: String) {
            runMFC(["build", "-f", dir + "/smollm2-chat.Modelfile", "--quantize", "Q8_0", "--allow-requantize",
                    "--cache", cache, "--store", dir + "/" + store])
        }
        let first = build("first", cache: cache)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("DONE    quantize"), "\(first.out)")
        #expect(!first.err.contains("warning: build cache"), "\(first.err)")

        let second = build("second", cache: cache)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.contains("CACHED  quantize"), "\(second.out)")
        #expect(second.out.contains("downloaded from the build cache"), "\(second.out)")
        let path = "manifests/registry.ollama.ai/library/smollm2-chat/latest"
        let a = FileManager.default.contents(atPath: "\(dir)/first/\(path)")
        #expect(a != nil && a == FileManager.default.contents(atPath: "\(dir)/second/\(path)"))
        #expect(runMFC(["verify", "--store", dir + "/second"]).status == 0)

        // Nothing listens on port 1: the build goes on locally with a warning.
        let offline = build("third", cache: "http://127.0.0.1:1/team/build-cache")
        #expect(offline.status == 0, "\(offline.err)")
        #expect(offline.out.contains("DONE    quantize"), "\(offline.out)")
        #expect(offline.err.contains("warning: build cache"), "\(offline.err)")
        #expect(FileManager.default.contents(atPath: "\(dir)/third/\(path)") == a)
    }
}
