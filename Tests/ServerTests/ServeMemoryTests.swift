import Foundation
import Testing

/// The memory of a model's slots goes back to the system when keep_alive runs out: the KV caches are
/// unmapped and malloc's freed pages trimmed, so the server's resident memory falls back to less than the
/// KV memory /api/ps reported while the slots held their prompts above where it was before the model loaded.
/// Loading and unloading again leaves no more behind: the weights and scratch are mappings of their own,
/// not blocks in the arena of whichever request thread loaded the model (which kept tens of MiB per load).
@Suite(.serialized) struct ServeMemoryTests {
    static func kvBytes(_ server: ServeFixture) throws -> Int? {
        let r = try http("GET", server.base + "/api/ps")
        let models = (try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])?["models"] as? [[String: Any]]
        return models?.first?["kv_cache_size"] as? Int
    }

    /// Resident bytes each unload may leave above the first one (allocator bookkeeping, thread stacks).
    static let repeatSlack = 8 << 20

    @Test func slotMemoryIsReturnedWhenKeepAliveRunsOut() throws {
        let server = try ServeFixture(serveArguments: ["--parallel", "4"])
        let pid = server.process.processIdentifier
        let before = ServeLoadTests.residentBytes(pid)
        var unloaded: [Int] = []
        for cycle in 0..<3 {
            // Four long prompts at once (about 400 tokens each): four slots hold their caches afterwards.
            let words = ["harbour", "lantern", "meadow", "copper", "thistle", "orbit", "saffron", "glacier"]
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 4) { i in
                let text = (0..<800).map { words[($0 * (i + 3) + i + cycle) % words.count] }.joined(separator: " ")
                let body = #"{"model":"smollm2-chat","prompt":"Client \#(i): \#(text)","raw":true,"stream":false,"keep_alive":"2s","#
                    + #""options":{"temperature":0,"num_predict":2}}"#
                let r = try? http("POST", server.base + "/api/generate", body: body)
                if r?.status != 200 { failures.add("client \(i): \(r.map { "\($0.status) \($0.body)" } ?? "no answer")") }
            }
            #expect(failures.all.isEmpty, "cycle \(cycle): \(failures.all)")
            let kv = try Self.kvBytes(server) ?? 0
            let loaded = ServeLoadTests.residentBytes(pid)
            // The caches' pages are resident while the slots keep them.
            #expect(kv > 30 << 20 && loaded - before > kv, "cycle \(cycle): KV \(kv) bytes, RSS \(before) -> \(loaded)")
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, try Self.kvBytes(server) != nil { usleep(200_000) }
            #expect(try Self.kvBytes(server) == nil, "cycle \(cycle): the model is still loaded after its keep_alive")
            usleep(1_500_000)   // the scheduler trims once the unloaded model is freed (it checks twice a second)
            let after = ServeLoadTests.residentBytes(pid)
            print("memory cycle \(cycle): RSS before load \(before >> 20) MiB, loaded with \(kv >> 20) MiB of KV \(loaded >> 20) MiB, after keep_alive \(after >> 20) MiB")
            #expect(after - before < kv, "cycle \(cycle): RSS \(before) before the load, \(after) after the unload; KV was \(kv) bytes")
            unloaded.append(after)
        }
        for (cycle, after) in unloaded.enumerated().dropFirst() {
            #expect(after - unloaded[0] < Self.repeatSlack, "RSS after unload \(cycle + 1) is \(after) bytes, after the first \(unloaded[0])")
        }
        #expect(server.stop() == 0)
    }
}

/// Failures reported by concurrent requests.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ text: String) { lock.withLock { items.append(text) } }
    var all: [String] { lock.withLock { items } }
}
