import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One HTTP request. Bodies are either small bytes held in memory (manifests, tokens) or a whole
/// file streamed from disk (blobs), never a blob loaded into memory.
package struct HTTPRequest: Sendable {
    package enum Body: Sendable {
        case none
        case bytes([UInt8])
        case file(String)
    }

    package var method: String
    package var url: URL
    package var headers: [(String, String)]
    package var body: Body

    package init(_ method: String, _ url: URL, headers: [(String, String)] = [], body: Body = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response: status, headers (names lower-cased) and, unless it was streamed to a sink, the body.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]
    /// The URL that answered (after redirects).
    package var url: URL

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
    package var isSuccess: Bool { (200..<300).contains(status) }
    package var bodyText: String { String(decoding: body.prefix(2000), as: UTF8.self) }
}

/// Receives a successful answer's body in order: the status (200 or 206 matters for ranges) and
/// each chunk.
package typealias BodySink = @Sendable (_ status: Int, _ chunk: Data) throws -> Void

/// A transport failure (no answer) or a refused body; registries' error answers are `HTTPResponse`s.
package struct HTTPError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A blocking HTTP client. `http://` goes over a plain socket (`PlainHTTPConnection`), where a
/// body streams with TCP flow control; `https://` goes through Foundation's URLSession (libcurl
/// on Linux), which brings TLS but hands body chunks to its delegate without waiting for them, so
/// there a streamed body is first written to URLSession's own temporary file and then read back
/// in chunks (docs/registry.md has the measurement). Either way the sink sees the body in order
/// and no blob is held in memory. Use one client per concurrent transfer.
package final class HTTPClient: Sendable {
    private let session: URLSession
    private let delegate: SessionDelegate
    private let timeout: Double

    /// - Parameter timeout: seconds a request may sit idle (no bytes either way) before it fails.
    package init(timeout: Double = 60) {
        self.timeout = timeout
        delegate = SessionDelegate()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 2
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends a request and waits for its answer.
    /// - Parameters:
    ///   - sink: receives the body of a 2xx answer in order, instead of it being collected; a
    ///     throwing sink cancels the transfer and its error is rethrown.
    ///   - sent: called with the body bytes sent so far (uploads).
    /// - Throws: `HTTPError` when no answer arrived (connection refused, timeout, sink failure).
    package func send(_ request: HTTPRequest, sink: BodySink? = nil,
                      sent: (@Sendable (Int64) -> Void)? = nil) throws(HTTPError) -> HTTPResponse {
        guard request.url.scheme == "http" else { return try sendOverURLSession(request, sink: sink, sent: sent) }
        var current = request
        for _ in 0..<6 {
            let r = try PlainHTTPConnection.send(current, timeout: timeout, sink: sink, sent: sent)
            guard [301, 302, 303, 307, 308].contains(r.status), current.method == "GET" || current.method == "HEAD",
                  let location = r.header("Location"), let next = URL(string: location, relativeTo: current.url)?.absoluteURL
            else { return r }
            if next.host != current.url.host || next.port != current.url.port {
                current.headers.removeAll { $0.0.lowercased() == "authorization" }   // no credentials to another host
            }
            current.url = next
            if next.scheme != "http" { return try sendOverURLSession(current, sink: sink, sent: sent) }
        }
        throw HTTPError("\(request.url.host ?? ""): too many redirects")
    }

    private func sendOverURLSession(_ request: HTTPRequest, sink: BodySink?,
                                    sent: (@Sendable (Int64) -> Void)?) throws(HTTPError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let task: URLSessionTask
        switch request.body {
        case .none where sink != nil:
            task = session.downloadTask(with: urlRequest)
        case .none:
            task = session.dataTask(with: urlRequest)
        case .bytes(let bytes):
            task = session.uploadTask(with: urlRequest, from: Data(bytes))
        case .file(let path):
            task = session.uploadTask(with: urlRequest, fromFile: URL(fileURLWithPath: path))
        }
        let state = TaskState(sink: sink, sent: sent)
        delegate.register(task, state)
        task.resume()
        state.done.wait()
        delegate.unregister(task)
        return try state.result(url: request.url)
    }
}

/// What one task has received so far; touched only on the session's serial delegate queue until
/// `done` is signalled, then only by the waiting thread.
private final class TaskState: @unchecked Sendable {
    let sink: BodySink?
    let sent: (@Sendable (Int64) -> Void)?
    let done = DispatchSemaphore(value: 0)
    var response: HTTPURLResponse?
    var body: [UInt8] = []
    var failure: (any Error)?
    var sinkFailure: (any Error)?
    /// Error bodies are read for their message only.
    static let maxCollected = 16 << 20

    init(sink: BodySink?, sent: (@Sendable (Int64) -> Void)?) {
        self.sink = sink
        self.sent = sent
    }

    var streams: Bool { sink != nil && (200..<300).contains(response?.statusCode ?? 0) }

    func result(url: URL) throws(HTTPError) -> HTTPResponse {
        if let sinkFailure { throw HTTPError("\(sinkFailure)") }
        if let failure { throw HTTPError("\(url.host ?? url.absoluteString): \(failure.localizedDescription)") }
        guard let response else { throw HTTPError("\(url.absoluteString): no response") }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            if let k = key as? String, let v = value as? String { headers[k.lowercased()] = v }
        }
        return HTTPResponse(status: response.statusCode, headers: headers, body: body, url: response.url ?? url)
    }
}

private final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let states = Mutex<[Int: TaskState]>([:])

    func register(_ task: URLSessionTask, _ state: TaskState) {
        states.withLock { $0[task.taskIdentifier] = state }
    }

    func unregister(_ task: URLSessionTask) {
        _ = states.withLock { $0.removeValue(forKey: task.taskIdentifier) }
    }

    private func state(_ task: URLSessionTask) -> TaskState? { states.withLock { $0[task.taskIdentifier] } }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        state(dataTask)?.response = response as? HTTPURLResponse
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let s = state(dataTask), s.sinkFailure == nil else { return }
        if s.response == nil { s.response = dataTask.response as? HTTPURLResponse }
        if s.streams, let sink = s.sink {
            do { try sink(s.response?.statusCode ?? 0, data) } catch {
                s.sinkFailure = error
                dataTask.cancel()
            }
        } else if s.body.count < TaskState.maxCollected {
            s.body += data.prefix(TaskState.maxCollected - s.body.count)
        }
    }

    /// A streamed body landed in URLSession's temporary file (deleted when this returns): hand it
    /// to the sink in chunks, or keep the start of an error body for its message.
    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        guard let s = state(downloadTask) else { return }
        if s.response == nil { s.response = downloadTask.response as? HTTPURLResponse }
        guard let handle = try? FileHandle(forReadingFrom: location) else { s.failure = HTTPError("cannot read the downloaded body"); return }
        defer { try? handle.close() }
        while let chunk = try? handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            if s.streams, let sink = s.sink {
                do { try sink(s.response?.statusCode ?? 0, chunk) } catch { s.sinkFailure = error; return }
            } else {
                s.body += chunk.prefix(TaskState.maxCollected - s.body.count)
                if s.body.count >= TaskState.maxCollected { return }
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64,
                    totalBytesSent: Int64, totalBytesExpectedToSend: Int64) {
        state(task)?.sent?(totalBytesSent)
    }

    /// Redirects are followed, but credentials never travel to another host (a blob store behind
    /// the registry gets a pre-signed URL instead).
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        var next = request
        if request.url?.host != task.originalRequest?.url?.host || request.url?.port != task.originalRequest?.url?.port {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let s = state(task) else { return }
        if s.response == nil { s.response = task.response as? HTTPURLResponse }
        if let error, s.sinkFailure == nil { s.failure = error }
        s.done.signal()
    }
}
