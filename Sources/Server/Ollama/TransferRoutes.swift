import Builder
import Foundation
import HTTPServer
import Synchronization

/// POST /api/pull and POST /api/push: the same transfers as `mfc pull` and `mfc push`, reported in
/// Ollama's progress lines (`{"status","digest","total","completed"}`), streamed by default or,
/// with `"stream": false`, as the last line alone. `insecure` allows plain HTTP; credentials come
/// from the server's environment or auth file, as for the command line.
extension APIServer {
    func pull(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        try transfer(body, writer) { name, options, observer throws(RegistryError) in
            _ = try ModelTransfer.pull(name, into: store, options: options, observer: observer)
        }
    }

    func push(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        try transfer(body, writer) { name, options, observer throws(RegistryError) in
            _ = try ModelTransfer.push(name, from: store, options: options, observer: observer)
        }
    }

    private func transfer(_ body: RequestBody, _ writer: HTTPResponseWriter,
                          _ run: (ModelName, TransferOptions, ProgressLines) throws(RegistryError) -> Void) throws {
        let text = try body.modelName()
        let name = ModelName(parsing: text)
        guard name.isValid else { throw APIError.badRequest("invalid model name '\(text)'") }
        let stream = try body.bool("stream") ?? true
        let options = TransferOptions(insecure: try body.bool("insecure") ?? false,
                                      credentials: RegistryCredentials.lookup(host: name.host, environment: ProcessInfo.processInfo.environment))
        let lines = ProgressLines(writer: stream ? writer : nil)
        if stream { writer.startStream(contentType: "application/x-ndjson") }
        do {
            try run(name, options, lines)
        } catch {
            guard stream else { throw APIError(500, error.description) }
            lines.send(.object([("error", .string(error.description))]))
            return writer.finish()
        }
        lines.status("success")
        if stream { writer.finish() } else { sendJSON(writer, .object([("status", .string("success"))])) }
    }
}

/// Turns a transfer's progress into Ollama's lines: `pulling <12 hex>` (or `pushing ...`) with the
/// blob's digest, total and completed bytes, at most every 60 ms per blob as Ollama's ticker.
/// Without a writer (`stream: false`) nothing is written. Transfers report from several threads;
/// lines go out one at a time.
final class ProgressLines: TransferObserver, Sendable {
    private struct Blob {
        var total: Int64
        var verb: String
        var lastLine: ContinuousClock.Instant?
    }
    private let writer: HTTPResponseWriter?
    /// The blobs seen so far; its lock also keeps lines whole.
    private let blobs = Mutex<[Digest: Blob]>([:])

    init(writer: HTTPResponseWriter?) { self.writer = writer }

    func send(_ line: JSON) {
        guard let writer else { return }
        blobs.withLock { _ in _ = writer.write(line.line) }
    }

    func status(_ text: String) { send(.object([("status", .string(text))])) }

    func begin(_ digest: Digest, total: Int64, verb: String) {
        blobs.withLock { $0[digest] = Blob(total: total, verb: verb) }
        blobLine(digest, completed: 0, force: true)
    }

    func progress(_ digest: Digest, done: Int64) { blobLine(digest, completed: done, force: false) }

    func finish(_ digest: Digest, outcome: String) { blobLine(digest, completed: nil, force: true) }

    /// `completed` nil means the whole blob.
    private func blobLine(_ digest: Digest, completed: Int64?, force: Bool) {
        guard let writer else { return }
        blobs.withLock { all in
            guard var blob = all[digest] else { return }
            let now = ContinuousClock.now
            if !force, let last = blob.lastLine, now - last < .milliseconds(60) { return }
            blob.lastLine = now
            all[digest] = blob
            let done = completed ?? blob.total
            let line = JSON.members([
                ("status", .string("\(blob.verb) \(digest.hex.prefix(12))")), ("digest", .string(digest.description)),
                ("total", blob.total > 0 ? .int(Int(blob.total)) : nil), ("completed", done > 0 ? .int(Int(done)) : nil),
            ])
            _ = writer.write(line.line)
        }
    }
}
