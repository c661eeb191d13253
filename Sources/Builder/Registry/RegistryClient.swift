import Foundation

/// The OCI distribution API for one repository over one connection: blob HEAD, GET and upload,
/// manifest GET and PUT. Every request carries the shared authorization and answers one 401 by
/// authenticating and retrying.
package final class RegistryClient: Sendable {
    package let address: RegistryAddress
    let auth: RegistryAuth
    let http: HTTPClient
    /// The token scope every request of this client asks for: pulling, or pushing (which
    /// includes pulling, as the registry wants for HEAD and mounts).
    let scope: String

    /// - Parameter push: whether this client uploads (its token asks for `pull,push`).
    package init(address: RegistryAddress, auth: RegistryAuth, push: Bool = false, timeout: Double = 60) {
        self.address = address
        self.auth = auth
        self.http = HTTPClient(timeout: timeout)
        self.scope = "repository:\(address.repository):\(push ? "pull,push" : "pull")"
    }

    /// Sends with authorization; a 401 is answered once (token or basic) and the request resent.
    func send(_ request: HTTPRequest, sink: BodySink? = nil,
              sent: (@Sendable (Int64) -> Void)? = nil) throws(RegistryError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            var r = request
            let header = auth.header(for: scope)
            if let header { r.headers.append(("Authorization", header)) }
            let response: HTTPResponse
            do { response = try http.send(r, sink: sink, sent: sent) } catch {
                throw RegistryError("\(request.method) \(address.host): \(error)")
            }
            guard response.status == 401, attempt == 1 else {
                if response.status == 401 { throw RegistryError.answer(response, doing: "authentication failed for \(address.host)") }
                return response
            }
            try auth.answer(response.header("WWW-Authenticate"), scope: scope, failedHeader: header, client: http)
        }
    }

    /// True when the registry has the blob (HEAD 200), false on 404.
    package func hasBlob(_ digest: Digest) throws(RegistryError) -> Bool {
        let r = try send(HTTPRequest("HEAD", address.url("blobs/\(digest)")))
        if r.isSuccess { return true }
        if r.status == 404 { return false }
        throw RegistryError.answer(r, doing: "checking blob \(digest.shortID)")
    }

    /// Uploads a blob file: POST (with a cross-repository mount when `mountFrom` names a repository
    /// on this registry that may hold it), then the bytes in one PATCH, then PUT with the digest.
    /// Returns false when the registry mounted the blob and nothing was sent.
    @discardableResult
    package func upload(_ digest: Digest, size: Int64, file: String, mountFrom: String? = nil,
                        sent: (@Sendable (Int64) -> Void)? = nil) throws(RegistryError) -> Bool {
        var start = URLComponents(url: address.url("blobs/uploads/"), resolvingAgainstBaseURL: false)
        if let mountFrom, mountFrom != address.repository {
            start?.queryItems = [URLQueryItem(name: "mount", value: digest.description), URLQueryItem(name: "from", value: mountFrom)]
        }
        guard let startURL = start?.url else { throw RegistryError("cannot form the upload URL for \(address.repository)") }
        let begun = try send(HTTPRequest("POST", startURL, headers: [("Content-Length", "0")]))
        if begun.status == 201 { return false }
        guard begun.status == 202 else { throw RegistryError.answer(begun, doing: "starting the upload of \(digest.shortID)") }
        var location = try uploadLocation(begun)
        if size > 0 {
            let patched = try send(HTTPRequest("PATCH", location, headers: [
                ("Content-Type", "application/octet-stream"), ("Content-Length", String(size)),
                ("Content-Range", "0-\(size - 1)"),
            ], body: .file(file)), sent: sent)
            guard patched.status == 202 || patched.status == 204 else {
                throw RegistryError.answer(patched, doing: "uploading \(digest.shortID)")
            }
            location = try uploadLocation(patched)
        }
        var finish = URLComponents(url: location, resolvingAgainstBaseURL: false)
        let query = (finish?.queryItems ?? []) + [URLQueryItem(name: "digest", value: digest.description)]
        finish?.queryItems = query
        guard let finishURL = finish?.url else { throw RegistryError("the registry's upload location is not a usable URL: \(location)") }
        let done = try send(HTTPRequest("PUT", finishURL, headers: [
            ("Content-Type", "application/octet-stream"), ("Content-Length", "0"),
        ]))
        guard done.status == 201 || done.status == 204 else { throw RegistryError.answer(done, doing: "finishing the upload of \(digest.shortID)") }
        return true
    }

    /// The upload session URL of a 202 (`Location`, possibly relative to the registry).
    private func uploadLocation(_ r: HTTPResponse) throws(RegistryError) -> URL {
        guard let text = r.header("Docker-Upload-Location") ?? r.header("Location"),
              let url = URL(string: text, relativeTo: address.base)?.absoluteURL else {
            throw RegistryError("the registry started an upload without a Location")
        }
        return url
    }

    /// The media types a manifest GET accepts: Ollama's (Docker's v2) first, then OCI's.
    static let manifestTypes = [MediaType.manifest, OCIMediaType.manifest]

    /// A manifest's exact bytes by tag or digest, checked against `Docker-Content-Digest` when the
    /// registry sends one. Nil when the registry does not have it.
    package func manifest(_ reference: String) throws(RegistryError) -> (bytes: [UInt8], mediaType: String)? {
        let r = try send(HTTPRequest("GET", address.url("manifests/\(reference)"),
                                     headers: [("Accept", Self.manifestTypes.joined(separator: ", "))]))
        if r.status == 404 { return nil }
        guard r.isSuccess else { throw RegistryError.answer(r, doing: "fetching the manifest of \(address.repository):\(reference)") }
        if let claimed = r.header("Docker-Content-Digest").flatMap(Digest.init(parsing:)), claimed != Digest.of(r.body) {
            throw RegistryError("the manifest of \(address.repository):\(reference) does not match the digest the registry gave for it")
        }
        if let pinned = Digest(parsing: reference), pinned != Digest.of(r.body) {
            throw RegistryError("the manifest \(reference) does not match its digest")
        }
        return (r.body, r.header("Content-Type") ?? MediaType.manifest)
    }

    /// Stores manifest bytes under a tag; returns the digest the registry reports (else computed).
    @discardableResult
    package func putManifest(_ bytes: [UInt8], tag: String, mediaType: String = MediaType.manifest) throws(RegistryError) -> Digest {
        let r = try send(HTTPRequest("PUT", address.url("manifests/\(tag)"), headers: [("Content-Type", mediaType)], body: .bytes(bytes)))
        guard r.status == 201 || r.status == 200 else { throw RegistryError.answer(r, doing: "storing the manifest \(address.repository):\(tag)") }
        return r.header("Docker-Content-Digest").flatMap(Digest.init(parsing:)) ?? Digest.of(bytes)
    }

    /// GETs a blob from byte `offset` on, streaming the body to `sink`. Returns the offset the body
    /// really starts at: `offset` for a 206 answer, 0 when the registry ignored the range (200).
    package func fetchBlob(_ digest: Digest, from offset: Int64, sink: @escaping BodySink) throws(RegistryError) -> Int64 {
        var headers: [(String, String)] = []
        if offset > 0 { headers.append(("Range", "bytes=\(offset)-")) }
        let r = try send(HTTPRequest("GET", address.url("blobs/\(digest)"), headers: headers), sink: sink)
        switch r.status {
        case 206: return offset
        case 200: return 0
        default: throw RegistryError.answer(r, doing: "downloading \(digest.shortID)")
        }
    }
}
