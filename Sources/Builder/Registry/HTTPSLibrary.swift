import Foundation
import HTTPSInterface

/// The HTTPS transport (the `MFCHTTPS` library beside the mfc executable), loaded with `dlopen` on
/// first use: it links FoundationNetworking and so libcurl with ~30 shared libraries, which cost
/// every start of mfc a few milliseconds when they were linked into it (BENCHMARKS.md).
enum HTTPSLibrary {
    struct Calls: @unchecked Sendable {
        let create: HTTPSSessionCreate
        let release: HTTPSSessionRelease
        let send: HTTPSSend
    }

    /// The library's calls, or why it could not be loaded (asked once per process).
    static let calls: Result<Calls, HTTPError> = load()

    private static func load() -> Result<Calls, HTTPError> {
        var tried: [String] = []
        for folder in searchFolders() {
            let path = folder + "/" + HTTPSSymbol.library
            tried.append(path)
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let create = dlsym(handle, HTTPSSymbol.sessionCreate), let release = dlsym(handle, HTTPSSymbol.sessionRelease),
                  let send = dlsym(handle, HTTPSSymbol.send) else {
                return .failure(HTTPError("\(path) is not mfc's HTTPS library (it lacks its calls)"))
            }
            return .success(Calls(create: unsafeBitCast(create, to: HTTPSSessionCreate.self),
                                  release: unsafeBitCast(release, to: HTTPSSessionRelease.self),
                                  send: unsafeBitCast(send, to: HTTPSSend.self)))
        }
        let reason = dlerror().map { String(cString: $0) } ?? "not found"
        return .failure(HTTPError("HTTPS needs \(HTTPSSymbol.library) beside the mfc executable (build it with "
                                  + "'swift build --product MFCHTTPS'; looked in \(tried.joined(separator: ", ")): \(reason)"))
    }

    /// The executable's folder (the build folder for mfc and for the test runner alike).
    private static func searchFolders() -> [String] {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return [] }
        let executable = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return [(executable as NSString).deletingLastPathComponent]
    }

    /// One URLSession (its own connections and delegate queue) in the library.
    final class Session: Sendable {
        private let calls: Calls
        private nonisolated(unsafe) let handle: UnsafeMutableRawPointer

        init(timeout: Double) throws(HTTPError) {
            let calls = try HTTPSLibrary.calls.get()
            self.calls = calls
            guard let handle = calls.create(timeout) else { throw HTTPError("the HTTPS library could not make a session") }
            self.handle = handle
        }

        deinit { calls.release(handle) }

        /// Sends a request through the library; the same contract as `HTTPClient.send`.
        func send(_ request: HTTPRequest, sink: BodySink?, sent: (@Sendable (Int64) -> Void)?) throws(HTTPError) -> HTTPResponse {
            var fields = [request.method, request.url.absoluteString, "", sink == nil ? "" : "stream"]
            var inMemory: [UInt8]? = nil
            switch request.body {
            case .none: break
            case .bytes(let bytes): inMemory = bytes
            case .file(let path): fields[2] = path
            }
            for (name, value) in request.headers { fields += [name, value] }
            let encoded = HTTPSFields.encode(fields)
            let receiver = Receiver(url: request.url, sink: sink, sent: sent)
            let context = Unmanaged.passRetained(receiver)
            defer { context.release() }
            let (calls, handle) = (calls, handle)
            encoded.withUnsafeBytes { fieldBytes in
                let send = { (body: UnsafeRawBufferPointer) in
                    calls.send(handle, fieldBytes.baseAddress, fieldBytes.count, body.baseAddress, body.count,
                               context.toOpaque(), Receiver.handle)
                }
                if let inMemory { inMemory.withUnsafeBytes(send) } else { send(UnsafeRawBufferPointer(start: nil, count: 0)) }
            }
            return try receiver.result()
        }
    }

    /// Collects one request's events (called on the library's delegate thread; read by the
    /// sending thread only after the send returned).
    private final class Receiver: @unchecked Sendable {
        let url: URL
        let sink: BodySink?
        let sent: (@Sendable (Int64) -> Void)?
        var response: HTTPResponse?
        /// The body when it is collected rather than streamed (error answers, small documents).
        var body: [UInt8] = []
        var failure: HTTPError?

        init(url: URL, sink: BodySink?, sent: (@Sendable (Int64) -> Void)?) {
            self.url = url
            self.sink = sink
            self.sent = sent
        }

        static let handle: HTTPSEventHandler = { context, event, number, bytes, count in
            guard let context else { return 1 }
            let receiver = Unmanaged<Receiver>.fromOpaque(context).takeUnretainedValue()
            return receiver.receive(HTTPSEvent(rawValue: event), number, UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count)) ? 0 : 1
        }

        /// False stops the transfer.
        func receive(_ event: HTTPSEvent?, _ number: Int64, _ bytes: UnsafeRawBufferPointer) -> Bool {
            switch event {
            case .head:
                let fields = HTTPSFields.decode(bytes)
                var headers: [String: String] = [:]
                for i in stride(from: 1, to: fields.count - 1, by: 2) { headers[fields[i].lowercased()] = fields[i + 1] }
                response = HTTPResponse(status: Int(number), headers: headers, body: [],
                                        url: fields.first.flatMap { URL(string: $0) } ?? url)
            case .body:
                guard let r = response else { return false }
                if let sink, r.isSuccess {
                    do { try sink(r.status, Data(bytes)) } catch { failure = HTTPError("\(error)"); return false }
                } else {
                    body += bytes
                }
            case .sent:
                sent?(number)
            case .failure:
                failure = HTTPError(String(decoding: bytes, as: UTF8.self))
            case nil:
                return false
            }
            return true
        }

        func result() throws(HTTPError) -> HTTPResponse {
            if let failure { throw failure }
            guard var response else { throw HTTPError("\(url.absoluteString): no response") }
            response.body = body
            return response
        }
    }
}
