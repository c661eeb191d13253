import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Continuous batching and the prompt cache seen through the API: greedy answers of requests decoded
/// together equal each alone, a request continuing a cached prefix evaluates only the new tokens and
/// answers as it does from scratch, and /api/ps reports the KV memory held.
@Suite(.serialized) struct ServeBatchingTests {
    static func generate(_ server: ServeFixture, _ prompt: String, predict: Int = 20, keepAlive: String = "\"5m\"") throws -> [String: Any] {
        let body = #"{"model":"smollm2-chat","prompt":"\#(prompt)","raw":true,"stream":false,"keep_alive":\#(keepAlive),"#
            + #""options":{"temperature":0,"num_predict":\#(predict),"seed":1}}"#
        let r = try http("POST", server.base + "/api/generate", body: body)
        guard r.status == 200, let object = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any] else {
            throw ServeFixture.Failure(description: "generate answered \(r.status): \(r.body)")
        }
        return object
    }

    static let prompts = (0..<6).map { "Question \($0): name \(["a fruit", "a colour", "a planet", "an animal", "a river", "a metal"][$0]) and say why." }

    @Test func requestsDecodedTogetherEqualEachAlone() throws {
        let server = try ServeFixture(serveArguments: ["--parallel", "6"])
        var alone: [String] = []
        for prompt in Self.prompts {
            alone.append(try Self.generate(server, prompt)["response"] as? String ?? "")
            _ = try Self.generate(server, "", keepAlive: "0")   // unload: the next one starts from an empty cache
        }
        let answers = Answers(count: Self.prompts.count)
        DispatchQueue.concurrentPerform(iterations: Self.prompts.count) { i in
            // Staggered starts, so requests join a batch that is already decoding.
            usleep(UInt32(i) * 150_000)
            answers.set(i, (try? Self.generate(server, Self.prompts[i]))?["response"] as? String ?? "<failed>")
        }
        let together = answers.all
        for i in Self.prompts.indices {
            #expect(together[i] == alone[i], "request \(i): together \(together[i].debugDescription), alone \(alone[i].debugDescription)")
        }
        #expect(!alone.contains(""))
        #expect(server.stop() == 0)
    }

    @Test func aContinuedPrefixEvaluatesOnlyNewTokensAndAnswersAsFromScratch() throws {
        let server = try ServeFixture(serveArguments: ["--parallel", "2"])
        let first = "User: Tell me about the sea.\\nAssistant:"
        let answer = try Self.generate(server, first)["response"] as? String ?? ""
        let escaped = answer.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        let second = first + escaped + "\\nUser: And the mountains?\\nAssistant:"
        let cached = try Self.generate(server, second)
        let ps = try http("GET", server.base + "/api/ps")
        let kv = ((try JSONSerialization.jsonObject(with: Data(ps.body.utf8)) as? [String: Any])?["models"] as? [[String: Any]])?
            .first?["kv_cache_size"] as? Int ?? 0
        #expect(kv > 0, "\(ps.body)")
        _ = try Self.generate(server, "", keepAlive: "0")   // unload, so the same prompt runs from scratch
        let fresh = try Self.generate(server, second)
        let cachedCount = cached["prompt_eval_count"] as? Int ?? 0, freshCount = fresh["prompt_eval_count"] as? Int ?? 0
        #expect(cachedCount > 0 && cachedCount < freshCount / 2, "evaluated \(cachedCount) of \(freshCount) prompt tokens")
        #expect(cached["response"] as? String == fresh["response"] as? String)
        #expect(server.stop() == 0)
    }

    @Test func aPromptSharingABusySlotsPrefixCopiesItAndAnswersAsFromScratch() throws {
        let server = try ServeFixture(serveArguments: ["--parallel", "2"])
        let system = "System: You are a patient teacher. You answer questions about nature, numbers and history in plain words, "
            + "briefly, and you never make things up.\\n"
        // A counting answer keeps the first slot busy; its first streamed piece means its prompt is in its cache.
        let busy = try RawHTTP(port: server.port)
        let body = #"{"model":"smollm2-chat","prompt":"\#(system)User: Count to a thousand.\\nAssistant: 1, 2, 3, 4, 5,","raw":true,"#
            + #""options":{"temperature":0,"num_predict":1500,"seed":1}}"#
        busy.send("POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let started = busy.read(seconds: 60) { $0.contains("\"response\"") }
        #expect(started.contains("\"response\""), "the first request did not start streaming: \(started)")
        let second = system + "User: Why is the sea salty?\\nAssistant:"
        let shared = try Self.generate(server, second)
        let meanwhile = busy.read(seconds: 0.2)
        #expect(!meanwhile.contains("\"done\":true"), "the first request ended before the second, so nothing was shared from a busy slot")
        shutdown(busy.fd, Int32(SHUT_RDWR))   // the client is gone: the first request stops at its next token
        // Unload once the first request has ended, so the same prompt then runs from scratch.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            _ = try Self.generate(server, "", keepAlive: "0")
            if try http("GET", server.base + "/api/ps").body.contains("\"models\":[]") { break }
            usleep(100_000)
        }
        let fresh = try Self.generate(server, second)
        let sharedCount = shared["prompt_eval_count"] as? Int ?? 0, freshCount = fresh["prompt_eval_count"] as? Int ?? 0
        #expect(sharedCount > 0 && sharedCount < freshCount / 2, "evaluated \(sharedCount) of \(freshCount) prompt tokens")
        #expect(shared["response"] as? String == fresh["response"] as? String)
        #expect(server.stop() == 0)
    }
}

/// Answers written by concurrent requests.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String]
    init(count: Int) { items = [String](repeating: "", count: count) }
    func set(_ i: Int, _ text: String) { lock.withLock { items[i] = text } }
    var all: [String] { lock.withLock { items } }
}
