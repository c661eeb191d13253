import Foundation
import Testing

/// `mfc serve` driven by the real `ollama` and `openai` Python clients, and `mfc ps`/`mfc stop` against it.
@Suite(.serialized) struct ServeClientTests {
    @Test func ollamaClientDrivesTheNativeAPI() throws {
        let server = try ServeFixture()
        let r = try server.python("ollama_client.py")
        #expect(r.status == 0 && r.output.contains("all ok"), "\(r.output)\n--- server log ---\n\(server.log.text)")

        // The persona the client chatted with is loaded: `mfc ps` lists it, `mfc stop` unloads it.
        let ps = try ServeFixture.run([ServeFixture.mfc, "ps", "--host", "127.0.0.1:\(server.port)"])
        #expect(ps.status == 0)
        let lines = ps.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true && lines.first?.contains("UNTIL") == true, "\(ps.output)")
        let mario = lines.first { $0.hasPrefix("mario:latest") } ?? ""
        #expect(mario.contains("100% CPU") && mario.contains("minutes from now"), "\(ps.output)")
        let stop = try ServeFixture.run([ServeFixture.mfc, "stop", "mario", "--host", "127.0.0.1:\(server.port)"])
        #expect(stop.status == 0, "\(stop.output)")
        let after = try ServeFixture.run([ServeFixture.mfc, "ps", "--host", "127.0.0.1:\(server.port)"])
        #expect(!after.output.contains("mario:latest"), "\(after.output)")
        let again = try ServeFixture.run([ServeFixture.mfc, "stop", "mario", "--host", "127.0.0.1:\(server.port)"])
        #expect(again.status == 1 && again.output.contains("couldn't find model \"mario\" to stop"), "\(again.output)")

        // Every request was logged with its method, path, status and duration.
        #expect(server.log.text.contains("[serve] POST /api/chat 200 "), "\(server.log.text)")
        #expect(server.stop() == 0, "no clean exit on SIGTERM: \(server.log.text.suffix(500))")
    }

    @Test func openAIClientDrivesTheCompatibleAPI() throws {
        let server = try ServeFixture()
        let r = try server.python("openai_client.py")
        #expect(r.status == 0 && r.output.contains("all ok"), "\(r.output)\n--- server log ---\n\(server.log.text)")
        #expect(server.stop() == 0)
    }

    /// The same model, prompt and greedy options give the same text through the API as through `mfc run`.
    @Test func greedyAnswerOverHTTPEqualsMfcRun() throws {
        let server = try ServeFixture()
        let prompt = "Hi! Who are you?"
        let run = try ServeFixture.run([ServeFixture.mfc, "run", "mario", prompt, "--store", server.store,
                                        "--param", "temperature=0", "--param", "num_predict=32"])
        #expect(run.status == 0, "\(run.output)")
        let body = #"{"model":"mario","prompt":"\#(prompt)","stream":false,"options":{"temperature":0,"num_predict":32}}"#
        let r = try http("POST", server.base + "/api/generate", body: body)
        #expect(r.status == 200, "\(r.body)")
        let response = (try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])?["response"] as? String
        #expect(response != nil && response == run.output.trimmingCharacters(in: .newlines), "http: \(response ?? r.body)\nrun: \(run.output)")
        // The chat endpoint renders the same conversation.
        let chatBody = #"{"model":"mario","messages":[{"role":"user","content":"\#(prompt)"}],"stream":false,"options":{"temperature":0,"num_predict":32}}"#
        let c = try http("POST", server.base + "/api/chat", body: chatBody)
        let message = ((try JSONSerialization.jsonObject(with: Data(c.body.utf8)) as? [String: Any])?["message"] as? [String: Any])?["content"] as? String
        #expect(message == response, "chat: \(message ?? c.body)")
    }
}
