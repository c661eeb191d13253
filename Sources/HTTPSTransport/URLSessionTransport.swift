import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPSInterface
import Synchronization

// HTTPS through Foundation's URLSession (libcurl on Linux), exported as C calls for mfc to load on
// demand (HTTPSInterface has the calls). URLSession hands body chunks to its delegate without
// waiting for them, so a streamed body is first written to URLSession's own temporary file and
// then read back in chunks (docs/registry.md has the measurement).

@_cdecl("mfc_https_session_create")
package func sessionCreate(_ timeout: Double) -> UnsafeMutableRawPointer? {
    Unmanaged.passRetained(Session(timeout: timeout)).toOpaque()
}

@_cdecl("mfc_https_session_release")
package func sessionRelease(_ session: UnsafeMutableRawPointer?) {
    guard let session else { return }
    Unmanaged<Session>.fromOpaque(session).release()
}

@_cdecl("mfc_https_send")
package func send(_ session: UnsafeMutableRawPointer?, _ request: UnsafeRawPointer?, _ requestCount: Int,
                  _ body: UnsafeRawPointer?, _ bodyCount: Int,
                  _ context: UnsafeMutableRawPointer?, _ handler: HTTPSEventHandler?) {
    guard let session, let handler else { return }
    let fields = HTTPSFields.decode(UnsafeRawBufferPointer(start: request, count: request == nil ? 0 : requestCount))
    let events = Events(context: context, handler: handler)
    guard fields.count >= 4, let url = URL(string: fields[1]) else { events.fail("malformed request"); return }
    var urlRequest = URLRequest(url: url)
    urlRequest.httpMethod = fields[0]
    for i in stride(from: 4, to: fields.count - 1, by: 2) { urlRequest.setValue(fields[i + 1], forHTTPHeaderField: fields[i]) }
    let bytes = body.map { Data(bytes: $0, count: bodyCount) }
    Unmanaged<Session>.fromOpaque(session).takeUnretainedValue()
        .send(urlRequest, file: fields[2], bytes: bytes, streams: fields[3] == "stream", events: events)
}

/// The caller's event handler and its context.
struct Events: @unchecked Sendable {
    let context: UnsafeMutableRawPointer?
    let handler: HTTPSEventHandler

    /// False when the caller wants the transfer stopped.
    func emit(_ event: HTTPSEvent, _ number: Int64 = 0, _ bytes: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> Bool {
        handler(context, event.rawValue, number, bytes.baseAddress, bytes.count) == 0
    }

    func fail(_ message: String) {
        var text = message
        _ = text.withUTF8 { emit(.failure, 0, UnsafeRawBufferPointer($0)) }
    }
}

final class Session: Sendable {
    private let session: URLSession
    private let delegate = SessionDelegate()

    init(timeout: Double) {
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

    func send(_ request: URLRequest, file: String, bytes: Data?, streams: Bool, events: Events) {
        let task: URLSessionTask
        if let bytes {
            task = session.uploadTask(with: request, from: bytes)
        } else if !file.isEmpty {
            task = session.uploadTask(with: request, fromFile: URL(fileURLWithPath: file))
        } else if streams {
            task = session.downloadTask(with: request)
        } else {
            task = session.dataTask(with: request)
        }
        let state = TaskState(events: events, streams: streams)
        delegate.register(task, state)
        task.resume()
        state.done.wait()
        delegate.unregister(task)
        state.finish(url: request.url)
    }
}

/// What one task has received so far; touched only on the session's serial delegate queue until
/// `done` is signalled, then only by the waiting thread.
private final class TaskState: @unchecked Sendable {
    let events: Events
    let streamRequested: Bool
    let done = DispatchSemaphore(value: 0)
    var response: HTTPURLResponse?
    var headSent = false
    var collected = 0
    var failure: (any Error)?
    var cancelled = false
    /// Error bodies are read for their message only.
    static let maxCollected = 16 << 20

    init(events: Events, streams: Bool) {
        self.events = events
        self.streamRequested = streams
    }

    var streams: Bool { streamRequested && (200..<300).contains(response?.statusCode ?? 0) }

    /// Reports the head once, before any body.
    func sendHead(url: URL?) {
        guard !headSent, let response else { return }
        headSent = true
        var fields = [(response.url ?? url)?.absoluteString ?? ""]
        for (key, value) in response.allHeaderFields {
            if let k = key as? String, let v = value as? String { fields += [k, v] }
        }
        let bytes = HTTPSFields.encode(fields)
        if !bytes.withUnsafeBytes({ events.emit(.head, Int64(response.statusCode), $0) }) { cancelled = true }
    }

    /// Hands a piece of the body over; false when the transfer should stop.
    func deliver(_ data: Data) -> Bool {
        guard !cancelled else { return false }
        sendHead(url: nil)
        var piece = data
        if !streams {
            guard collected < TaskState.maxCollected else { return true }
            piece = data.prefix(TaskState.maxCollected - collected)
            collected += piece.count
        }
        if !piece.withUnsafeBytes({ events.emit(.body, 0, $0) }) { cancelled = true }
        return !cancelled
    }

    func finish(url: URL?) {
        guard !cancelled else { return }
        if let failure { events.fail("\(url?.host ?? url?.absoluteString ?? ""): \(failure.localizedDescription)"); return }
        guard response != nil else { events.fail("\(url?.absoluteString ?? ""): no response"); return }
        sendHead(url: url)
    }
}

private final class SessionDelegate: NSObject, URLSessionDataDelegate, URLSessionDownloadDelegate, Sendable {
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
        guard let s = state(dataTask), !s.cancelled else { return }
        if s.response == nil { s.response = dataTask.response as? HTTPURLResponse }
        if !s.deliver(data) { dataTask.cancel() }
    }

    /// A streamed body landed in URLSession's temporary file (deleted when this returns): hand it
    /// over in chunks, or the start of an error body for its message.
    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        guard let s = state(downloadTask) else { return }
        if s.response == nil { s.response = downloadTask.response as? HTTPURLResponse }
        guard let handle = try? FileHandle(forReadingFrom: location) else { s.failure = TransportFailure("cannot read the downloaded body"); return }
        defer { try? handle.close() }
        while let chunk = try? handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            if !s.deliver(chunk) || (!s.streams && s.collected >= TaskState.maxCollected) { return }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64,
                    totalBytesSent: Int64, totalBytesExpectedToSend: Int64) {
        _ = state(task)?.events.emit(.sent, totalBytesSent)
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
        if let error, !s.cancelled { s.failure = error }
        s.done.signal()
    }
}

private struct TransportFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
