import ModelfileLang
import Foundation
import Synchronization

/// Authorization shared by every connection to one registry: the credentials (if any) and the
/// token or basic scheme learnt from the last 401 challenge, so parallel transfers ask once.
package final class RegistryAuth: Sendable {
    let credentials: RegistryCredentials?
    private let header = Mutex<String?>(nil)
    /// Bumped whenever `header` changes, so a request that failed with an old header retries.
    private let generation = Atomic<Int>(0)

    package init(credentials: RegistryCredentials?) {
        self.credentials = credentials
    }

    /// The `Authorization` header to send now, and the generation it belongs to.
    func current() -> (header: String?, generation: Int) {
        header.withLock { ($0, generation.load(ordering: .acquiring)) }
    }

    /// Answers a 401: a Bearer challenge fetches a token from its realm (with the credentials,
    /// if any); a Basic challenge uses the credentials. Another thread may have answered the same
    /// challenge already (its generation moved on), then nothing is fetched.
    func answer(_ challengeHeader: String?, failedGeneration: Int, client: HTTPClient) throws(RegistryError) {
        if generation.load(ordering: .acquiring) != failedGeneration { return }
        guard let text = challengeHeader, let challenge = AuthChallenge(header: text) else {
            throw RegistryError("the registry refused the request (401) without saying how to authenticate")
        }
        let value: String
        if challenge.isBasic {
            guard let credentials else {
                throw RegistryError("the registry needs a user name and password: set MFC_REGISTRY_AUTH=user:password or add them to the auth file (see mfc push --help)")
            }
            value = credentials.basicHeader
        } else if challenge.isBearer {
            value = "Bearer " + (try fetchToken(challenge, client: client))
        } else {
            throw RegistryError("the registry asks for unsupported authentication '\(challenge.scheme)'")
        }
        header.withLock { h in
            h = value
            generation.add(1, ordering: .releasing)
        }
    }

    /// The distribution token protocol: GET realm?service=...&scope=..., JSON `token` or `access_token`.
    private func fetchToken(_ challenge: AuthChallenge, client: HTTPClient) throws(RegistryError) -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
              components.scheme == "https" || components.scheme == "http" else {
            throw RegistryError("the registry's token challenge has no usable realm")
        }
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        for scope in (challenge.parameters["scope"] ?? "").split(separator: " ") {
            query.append(URLQueryItem(name: "scope", value: String(scope)))
        }
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.url else { throw RegistryError("the registry's token realm is not a URL: \(realm)") }
        var headers: [(String, String)] = []
        if let credentials { headers.append(("Authorization", credentials.basicHeader)) }
        let response: HTTPResponse
        do { response = try client.send(HTTPRequest("GET", url, headers: headers)) } catch {
            throw RegistryError("cannot reach the token service \(url.host ?? realm): \(error)")
        }
        guard response.isSuccess else {
            throw RegistryError("the token service refused (\(response.status))\(credentials == nil ? "; set MFC_REGISTRY_AUTH=user:password" : ", check the credentials")")
        }
        guard let json = try? JSONValue.parse(response.body),
              let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue, !token.isEmpty else {
            throw RegistryError("the token service answered without a token")
        }
        return token
    }
}
