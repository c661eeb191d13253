import Foundation
import Server
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small blocking HTTP client for the commands that talk to a running `mfc serve` (ps, stop).
struct ServerClient {
    let base: String

    /// The server address from `--host`, $MFC_HOST or $OLLAMA_HOST (0.0.0.0 is reached as 127.0.0.1).
    init(host: String?, environment: [String: String]) throws(UsageError) {
        let text = host ?? ServeCommand.nonEmpty(environment["MFC_HOST"]) ?? ServeCommand.nonEmpty(environment["OLLAMA_HOST"]) ?? "127.0.0.1:11434"
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
        var request = URLRequest(url: url, timeoutInterval: 600)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let done = DispatchSemaphore(value: 0)
        let result = Box()
        URLSession.shared.dataTask(with: request) { data, response, error in
            result.set(data, (response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, status, error) = result.get()
        if let error {
            throw Failure(description: "could not connect to mfc serve at \(base): is it running? Start it with 'mfc serve' "
                          + "(or set --host, MFC_HOST or OLLAMA_HOST to its address). (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data ?? Data())
        let json = (try? JSON.parse(bytes)) ?? .null
        return (status ?? 0, json)
    }

    /// The server's `{"error": ...}` message, or the status.
    static func message(_ r: (status: Int, json: JSON)) -> String {
        r.json["error"]?.stringValue ?? "server answered HTTP \(r.status)"
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var value: (Data?, Int?, (any Error)?) = (nil, nil, nil)
        func set(_ d: Data?, _ s: Int?, _ e: (any Error)?) { lock.withLock { value = (d, s, e) } }
        func get() -> (Data?, Int?, (any Error)?) { lock.withLock { value } }
    }
}
