import Foundation
import Testing

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
}

/// Answers written by concurrent requests.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String]
    init(count: Int) { items = [String](repeating: "", count: count) }
    func set(_ i: Int, _ text: String) { lock.withLock { items[i] = text } }
    var all: [String] { lock.withLock { items } }
}
