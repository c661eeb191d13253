import Foundation
import ModelfileLang
import Synchronization

/// Authorization shared by every connection to one registry: the credentials (if any), whether
/// the registry asked for basic auth, and the bearer tokens learnt from 401 challenges, cached by
/// the scope a request needs (`repository:team/model:pull` or `...:pull,push`), so the parallel
/// connections of a transfer ask the token service once per scope.
package final class RegistryAuth: Sendable {
    let credentials: RegistryCredentials?
    private struct State {
        var basic = false
        /// Scope -> `Bearer <token>`.
        var tokens: [String: String] = [:]
    }
    private let state = Mutex(State())
    /// Held while a token is fetched, so threads that hit the same challenge fetch it once.
    private let fetching = Mutex(())

    package init(credentials: RegistryCredentials?) {
        self.credentials = credentials
    }

    /// The `Authorization` header for a request that needs `scope`, if one is known.
    func header(for scope: String) -> String? {
        state.withLock { s in
            if s.basic { return credentials?.basicHeader }
            return s.tokens[scope]
        }
    }

    /// Answers a 401 to a request that needed `scope` and was sent with `failedHeader`: a Basic
    /// challenge switches to the credentials; a Bearer challenge fetches a token for the
    /// challenge's scopes and `scope` (with the credentials as basic auth, if any) and caches it
    /// under `scope`. When another thread cached a newer token meanwhile, that one is used.
    func answer(_ challengeHeader: String?, scope: String, failedHeader: String?, client: HTTPClient) throws(RegistryError) {
        guard let text = challengeHeader, let challenge = AuthChallenge(header: text) else {
            throw RegistryError("the registry refused the request (401) without saying how to authenticate")
        }
        if challenge.isBasic {
            guard credentials != nil else {
                throw RegistryError("the registry needs a user name and password: set MFC_REGISTRY_AUTH=user:password or add them to the auth file (see mfc push --help)")
            }
            state.withLock { $0.basic = true }
            return
        }
        guard challenge.isBearer else {
            throw RegistryError("the registry asks for unsupported authentication '\(challenge.scheme)'")
        }
        try fetching.withLock { _ throws(RegistryError) in
            if let cached = header(for: scope), cached != failedHeader { return }
            let asked = (challenge.parameters["scope"] ?? "").split(separator: " ").map(String.init)
            let value = "Bearer " + (try fetchToken(challenge, scopes: Self.merged(asked + [scope]), client: client))
            state.withLock { $0.tokens[scope] = value }
        }
    }

    /// Scopes (`type:name:action,action`) with the actions of one resource joined, in a stable
    /// order: the challenge's `repository:r:pull` and the client's `repository:r:pull,push` become
    /// one `repository:r:pull,push`.
    static func merged(_ scopes: [String]) -> [String] {
        var actions: [String: [String]] = [:]
        for scope in scopes {
            guard let colon = scope.lastIndex(of: ":") else { actions[scope, default: []] += []; continue }
            let resource = String(scope[..<colon])
            for action in scope[scope.index(after: colon)...].split(separator: ",") where !(actions[resource]?.contains(String(action)) ?? false) {
                actions[resource, default: []].append(String(action))
            }
        }
        return actions.keys.sorted().map { resource in
            let list = actions[resource, default: []].sorted()
            return list.isEmpty ? resource : resource + ":" + list.joined(separator: ",")
        }
    }

    /// The distribution token protocol: GET realm?service=...&scope=..., JSON `token` or `access_token`.
    private func fetchToken(_ challenge: AuthChallenge, scopes: [String], client: HTTPClient) throws(RegistryError) -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
              components.scheme == "https" || components.scheme == "http" else {
            throw RegistryError("the registry's token challenge has no usable realm")
        }
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        for scope in scopes { query.append(URLQueryItem(name: "scope", value: scope)) }
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
