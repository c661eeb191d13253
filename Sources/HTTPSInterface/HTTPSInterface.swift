// The calls between mfc and the HTTPS transport library (the `MFCHTTPS` product). The library links
// FoundationNetworking, whose libcurl and its ~30 shared libraries would otherwise load at every
// start of mfc; mfc loads it only when a URL needs TLS (Builder's `HTTPSLibrary`). Only C types
// cross between the two images: numbers, pointers to bytes, and C function pointers.

/// What the transport reports about a request, in this order: `head` once, `body` per chunk of
/// a 2xx body when streaming (else of at most 16 MiB of the body), `sent` as an upload goes,
/// then `failure` when no answer arrived.
package enum HTTPSEvent: Int32 {
    /// `number` = status; bytes = fields: the answering URL, then header names and values.
    case head = 0
    case body = 1
    /// `number` = request body bytes sent so far.
    case sent = 2
    /// bytes = the message.
    case failure = 3
}

/// Receives one event; a nonzero result cancels the transfer (the receiver keeps its reason).
package typealias HTTPSEventHandler = @convention(c) (
    _ context: UnsafeMutableRawPointer?, _ event: Int32, _ number: Int64, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int32

/// Makes a session whose requests fail after `timeout` idle seconds; released with `HTTPSSessionRelease`.
package typealias HTTPSSessionCreate = @convention(c) (_ timeout: Double) -> UnsafeMutableRawPointer?
package typealias HTTPSSessionRelease = @convention(c) (_ session: UnsafeMutableRawPointer?) -> Void

/// Sends one request and returns when it is over. `request` holds the fields method, URL, the path
/// of a file to upload (or empty), "stream" or "" (stream a 2xx body), then header names and
/// values; `body` is an in-memory request body (or nil).
package typealias HTTPSSend = @convention(c) (
    _ session: UnsafeMutableRawPointer?, _ request: UnsafeRawPointer?, _ requestCount: Int,
    _ body: UnsafeRawPointer?, _ bodyCount: Int,
    _ context: UnsafeMutableRawPointer?, _ handler: HTTPSEventHandler?) -> Void

/// The exported names of the three calls, and the library's file name.
package enum HTTPSSymbol {
    package static let library = "libMFCHTTPS.so"
    package static let sessionCreate = "mfc_https_session_create"
    package static let sessionRelease = "mfc_https_session_release"
    package static let send = "mfc_https_send"
}

/// Strings sent between the images as one buffer, each ended by a NUL (URLs, header lines and
/// paths hold none).
package enum HTTPSFields {
    package static func encode(_ fields: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for field in fields { bytes += field.utf8; bytes.append(0) }
        return bytes
    }

    package static func decode(_ bytes: UnsafeRawBufferPointer) -> [String] {
        bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }
}
