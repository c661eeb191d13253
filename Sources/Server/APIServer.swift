import Builder
import Foundation
import HTTPServer

/// `mfc serve`: the HTTP server, the scheduler and the routes of Ollama's and OpenAI's APIs.
package final class APIServer: @unchecked Sendable {
    let configuration: ServeConfiguration
    let store: ModelStore
    let scheduler: ModelScheduler
    let origins: OriginPolicy
    private(set) var http: HTTPServer!

    package init(configuration: ServeConfiguration, log: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.store = ModelStore(root: configuration.storeRoot)
        self.scheduler = ModelScheduler(store: store, limits: configuration.scheduler)
        self.origins = OriginPolicy(extra: configuration.origins)
        var limits = configuration.http
        let blobLimit = configuration.maxBlobBytes
        limits.bodyLimitOverride = { method, path in method == "POST" && path.hasPrefix("/api/blobs/") ? blobLimit : nil }
        self.http = HTTPServer(limits: limits, log: log) { [unowned self] request, writer in
            handle(request, writer)
        }
    }

    /// Binds the address; returns the port.
    package func bind() throws(HTTPServerError) -> Int {
        try http.bind(host: configuration.host, port: configuration.port)
    }

    /// Serves until SIGINT/SIGTERM (or `shutdown()`), then drains open requests.
    package func run() {
        scheduler.start()
        // The signal sources must outlive the loop (an optimised build would otherwise free them early).
        withExtendedLifetime(http.shutdownOnSignals()) { http.run() }
        scheduler.stop()
    }

    package func shutdown() { http.shutdown() }

    func handle(_ request: IncomingRequest, _ writer: HTTPResponseWriter) {
        if let origin = request.header("Origin") {
            guard origins.allows(origin) else {
                return send(writer, APIError(403, "origin '\(origin)' is not allowed (set OLLAMA_ORIGINS to allow it)"))
            }
            writer.extraHeaders = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        }
        if configuration.isLoopback, let host = request.header("Host"), !OriginPolicy.isLocalHost(host) {
            return send(writer, APIError(403, "host '\(host)' is not allowed"))
        }
        if request.method == "OPTIONS" {
            writer.extraHeaders += [("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"),
                                    ("Access-Control-Allow-Headers", "Authorization, Content-Type, User-Agent, Accept, X-Requested-With, X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-OS, X-Stainless-Arch, X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Async, X-Stainless-Retry-Count, X-Stainless-Timeout"),
                                    ("Access-Control-Max-Age", "43200")]
            return writer.send(status: 204)
        }
        do {
            try route(request, writer)
        } catch let error as APIError {
            send(writer, error, openAI: request.path.hasPrefix("/v1/"))
        } catch {
            send(writer, APIError(500, "\(error)"), openAI: request.path.hasPrefix("/v1/"))
        }
    }

    func route(_ request: IncomingRequest, _ writer: HTTPResponseWriter) throws {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let method = request.method == "HEAD" ? "GET" : request.method
        func body() throws(APIError) -> RequestBody { try RequestBody(request.body) }
        switch (method, path) {
        case ("GET", "/"): writer.send(status: 200, contentType: "text/plain; charset=utf-8", body: Array("Ollama is running".utf8))
        case ("GET", "/api/version"): sendJSON(writer, .object([("version", .string(configuration.version))]))
        case ("GET", "/api/tags"): sendJSON(writer, try listModels())
        case ("GET", "/api/ps"): sendJSON(writer, runningModels())
        case ("POST", "/api/show"): sendJSON(writer, try show(try body()))
        case ("POST", "/api/generate"): try generate(try body(), writer)
        case ("POST", "/api/chat"): try chat(try body(), writer)
        case ("POST", "/api/embed"): try embed(try body(), writer)
        case ("POST", "/api/embeddings"): try embeddings(try body(), writer)
        case ("POST", "/api/create"): try create(try body(), writer)
        case ("POST", "/api/copy"): try copy(try body(), writer)
        case ("DELETE", "/api/delete"): try delete(try body(), writer)
        case ("POST", "/api/pull"): try pull(try body(), writer)
        case ("POST", "/api/push"): try push(try body(), writer)
        case ("POST", "/v1/chat/completions"): try openAIChat(try body(), writer)
        case ("POST", "/v1/completions"): try openAICompletion(try body(), writer)
        case ("POST", "/v1/embeddings"): try openAIEmbeddings(try body(), writer)
        case ("GET", "/v1/models"): sendJSON(writer, try openAIModels())
        case (_, _) where path.hasPrefix("/api/blobs/"):
            try blob(String(path.dropFirst("/api/blobs/".count)), method: method, request: request, writer)
        case ("GET", _) where path.hasPrefix("/v1/models/"):
            sendJSON(writer, try openAIModel(String(path.dropFirst("/v1/models/".count)).removingPercentEncoding ?? ""))
        default:
            let known = ["/", "/api/version", "/api/tags", "/api/ps", "/api/show", "/api/generate", "/api/chat", "/api/embed",
                         "/api/embeddings", "/api/create", "/api/copy", "/api/delete", "/api/pull", "/api/push",
                         "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models"]
            if known.contains(path) { throw APIError(405, "method \(request.method) not allowed for \(path)") }
            throw APIError(404, "404 page not found")
        }
    }

    func sendJSON(_ writer: HTTPResponseWriter, _ value: JSON, status: Int = 200) {
        writer.send(status: status, contentType: "application/json; charset=utf-8", body: value.bytes)
    }

    /// `{"error": "..."}` (Ollama) or `{"error": {"message", "type", ...}}` (OpenAI); mid-stream, an error line.
    func send(_ writer: HTTPResponseWriter, _ error: APIError, openAI: Bool = false) {
        let status = error.status == 499 ? 400 : error.status
        if openAI {
            let type = status == 404 ? "not_found_error" : status >= 500 ? "api_error" : "invalid_request_error"
            sendJSON(writer, .object([("error", .object([("message", .string(error.message)), ("type", .string(type)),
                                                          ("param", .null), ("code", .null)]))]), status: status)
        } else {
            sendJSON(writer, .object([("error", .string(error.message))]), status: status)
        }
    }
}
