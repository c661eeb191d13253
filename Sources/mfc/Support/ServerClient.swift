import Builder
import Foundation
import Server

/// A small blocking HTTP client for the commands that talk to a running `mfc serve` (ps, stop).
struct ServerClient {
    let base: String

    /// The `--host` option of the commands that use this client, and what their help says of it.
    static let hostOption = OptionSpec(["--host"], value: "HOST:PORT", help: "Address of the server.")
    static let hostHelp = "Asks the server at --host (default: \(ServeCommand.addressDefaults))."

    /// The server address from `--host`, $MFC_HOST or $OLLAMA_HOST (0.0.0.0 is reached as 127.0.0.1).
    init(host: String?, environment: [String: String]) throws(UsageError) {
        let text = ServeCommand.address(option: host, environment: environment)
        let parsed: (host: String, port: Int)
        do { parsed = try ServeConfiguration.parseHost(text) } catch { throw UsageError(error.message) }
        var h = parsed.host
        if h == "0.0.0.0" { h = "127.0.0.1" }
        if h == "::" { h = "::1" }
        base = "http://" + (h.contains(":") ? "[\(h)]" : h) + ":\(parsed.port)"
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends a request and returns the status and parsed JSON body.
    func request(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, json: JSON) {
        guard let url = URL(string: base + path) else { throw Failure(description: "invalid server address \(base)") }
        var request = HTTPRequest(method, url)
        if let body { request.body = .bytes(Array(body.utf8)); request.headers = [("Content-Type", "application/json")] }
        let response: HTTPResponse
        do { response = try HTTPClient(timeout: 600).send(request) } catch {
            throw Failure(description: "could not connect to mfc serve at \(base): is it running? Start it with 'mfc serve' "
                          + "(or set --host, MFC_HOST or OLLAMA_HOST to its address). (\(error.description))")
        }
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    /// The server's `{"error": ...}` message, or the status.
    static func message(_ r: (status: Int, json: JSON)) -> String {
        r.json["error"]?.stringValue ?? "server answered HTTP \(r.status)"
    }
}
