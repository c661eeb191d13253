import Foundation
import Testing

/// Raw-HTTP edge cases against a running `mfc serve`: errors name the problem, limits hold.
@Suite(.serialized) struct ServeEdgeCaseTests {
    static func error(_ body: String) -> String {
        ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["error"] as? String ?? ""
    }

    @Test func badRequestsAreAnsweredWithTheRightStatusAndMessage() throws {
        let server = try ServeFixture(serveArguments: ["--max-body", "100000"])
        let base = server.base

        let badJSON = try http("POST", base + "/api/chat", body: "{\"model\": ")
        #expect(badJSON.status == 400 && Self.error(badJSON.body).contains("invalid JSON"), "\(badJSON)")

        let wrongType = try http("POST", base + "/api/generate", body: #"{"model":"mario","prompt":42}"#)
        #expect(wrongType.status == 400 && Self.error(wrongType.body).contains("'prompt'"), "\(wrongType)")

        let badOption = try http("POST", base + "/api/chat", body: #"{"model":"mario","messages":[],"options":{"temperature":"hot"}}"#)
        #expect(badOption.status == 400 && Self.error(badOption.body).contains("temperature"), "\(badOption)")

        let badMessage = try http("POST", base + "/api/chat", body: #"{"model":"mario","messages":[{"role":"user","content":["x"]}]}"#)
        #expect(badMessage.status == 400 && Self.error(badMessage.body).contains("messages[0].content"), "\(badMessage)")

        let images = try http("POST", base + "/api/chat", body: #"{"model":"mario","messages":[{"role":"user","content":"hi","images":["aGk="]}]}"#)
        #expect(images.status == 400 && Self.error(images.body).contains("images"), "\(images)")

        let unknown = try http("POST", base + "/api/show", body: #"{"model":"nobody"}"#)
        #expect(unknown.status == 404 && Self.error(unknown.body).contains("nobody"), "\(unknown)")

        let missingModel = try http("POST", base + "/api/generate", body: #"{"prompt":"hi"}"#)
        #expect(missingModel.status == 400 && Self.error(missingModel.body).contains("model is required"), "\(missingModel)")

        let path = try http("POST", base + "/api/show", body: #"{"model":"../../../etc/passwd"}"#)
        #expect(path.status == 400 || path.status == 404, "\(path)")
        let blobPath = try http("HEAD", base + "/api/blobs/..%2F..%2Fetc%2Fpasswd")
        #expect(blobPath.status == 400, "\(blobPath)")

        let huge = String(repeating: "x", count: 200_000)
        let big = try http("POST", base + "/api/chat", body: #"{"model":"mario","messages":[{"role":"user","content":"\#(huge)"}]}"#)
        #expect(big.status == 413, "\(big.status)")

        let notFound = try http("GET", base + "/api/nothing")
        #expect(notFound.status == 404)
        let wrongMethod = try http("GET", base + "/api/chat")
        #expect(wrongMethod.status == 405)
    }

    @Test func browserOriginsFollowTheAllowList() throws {
        let server = try ServeFixture(environment: ["OLLAMA_ORIGINS": "https://app.example.com"])
        let evil = try http("GET", server.base + "/api/tags", headers: ["Origin": "https://evil.example.net"])
        #expect(evil.status == 403)
        for origin in ["http://localhost:3000", "app://desktop", "https://app.example.com"] {
            let ok = try http("OPTIONS", server.base + "/api/chat", headers: ["Origin": origin, "Access-Control-Request-Method": "POST"])
            #expect(ok.status == 204, "\(origin)")
        }
        let rebinding = try RawHTTP(port: server.port)
        rebinding.send("GET /api/tags HTTP/1.1\r\nHost: attacker.example.com\r\nConnection: close\r\n\r\n")
        #expect(rebinding.read(until: responseComplete).hasPrefix("HTTP/1.1 403 "))
    }

    /// A client that leaves mid-stream stops its generation at the next token; the server stays up.
    @Test func disconnectMidStreamCancelsTheGeneration() throws {
        let server = try ServeFixture()
        do {
            let c = try RawHTTP(port: server.port)
            let body = #"{"model":"mario","messages":[{"role":"user","content":"Tell me a very long story."}],"options":{"num_predict":3000,"temperature":0.8}}"#
            c.send("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let partial = c.read(seconds: 120) { $0.components(separatedBy: "\"done\":false").count > 5 }
            #expect(partial.contains("\"done\":false"), "\(partial)")
        }
        let deadline = Date().addingTimeInterval(60)
        var line = ""
        while Date() < deadline {
            line = server.log.text.split(separator: "\n").first { $0.contains("POST /api/chat") }.map(String.init) ?? ""
            if !line.isEmpty { break }
            usleep(50_000)
        }
        let tokens = line.split(separator: " ").firstIndex(of: "tokens").map { Int(line.split(separator: " ")[$0 - 1]) ?? -1 } ?? -1
        #expect(tokens >= 0 && tokens < 3000, "generation was not cancelled: \(line)")
        let after = try http("GET", server.base + "/api/version")
        #expect(after.status == 200)
    }

    /// A slow client that never finishes its headers is dropped with 408 (the server's header timeout).
    @Test func slowClientTimesOut() throws {
        let server = try ServeFixture(serveArguments: ["--header-timeout", "1"])
        let c = try RawHTTP(port: server.port)
        c.send("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let text = c.read(seconds: 10, until: responseComplete)
        #expect(text.hasPrefix("HTTP/1.1 408 "), "\(text)")
    }
}
