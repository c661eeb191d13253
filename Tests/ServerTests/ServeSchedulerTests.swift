import Foundation
import Testing

/// The scheduler seen through /api/ps: keep_alive per request, the loaded-model limit (LRU), stop.
@Suite(.serialized) struct ServeSchedulerTests {
    static func loaded(_ server: ServeFixture) throws -> [[String: Any]] {
        let r = try http("GET", server.base + "/api/ps")
        return ((try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])?["models"] as? [[String: Any]]) ?? []
    }

    static func load(_ server: ServeFixture, _ model: String, keepAlive: String) throws -> Int {
        try http("POST", server.base + "/api/generate", body: #"{"model":"\#(model)","keep_alive":\#(keepAlive)}"#).status
    }

    @Test func keepAliveAndTheLoadedModelLimit() throws {
        let server = try ServeFixture(serveArguments: ["--max-loaded", "1"])
        // Loading only (no prompt): done_reason "load"; keep_alive -1 keeps it with no expiry in sight.
        let r = try http("POST", server.base + "/api/generate", body: #"{"model":"mario","keep_alive":-1}"#)
        #expect(r.status == 200 && r.body.contains("\"done_reason\":\"load\""), "\(r.body)")
        var ps = try Self.loaded(server)
        #expect(ps.map { $0["name"] as? String } == ["mario:latest"])
        let ps1 = try ServeFixture.run([ServeFixture.mfc, "ps", "--host", "127.0.0.1:\(server.port)"])
        #expect(ps1.output.contains("Forever"), "\(ps1.output)")

        // A second model over the limit of one unloads the least recently used idle one.
        #expect(try Self.load(server, "smollm2-chat", keepAlive: "\"2s\"") == 200)
        ps = try Self.loaded(server)
        #expect(ps.map { $0["name"] as? String } == ["smollm2-chat:latest"], "\(ps)")

        // keep_alive "2s" runs out.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, try !Self.loaded(server).isEmpty { usleep(200_000) }
        #expect(try Self.loaded(server).isEmpty)

        // keep_alive 0 unloads right after the request.
        #expect(try Self.load(server, "mario", keepAlive: "0") == 200)
        #expect(try Self.loaded(server).isEmpty)

        // Bad keep_alive values are 400s naming the field.
        let bad = try http("POST", server.base + "/api/generate", body: #"{"model":"mario","keep_alive":"soon"}"#)
        #expect(bad.status == 400 && bad.body.contains("keep_alive"), "\(bad.body)")
    }
}
