import Foundation
import ModelfileLang

/// A user name and password for a registry's basic auth or token service. `description` hides the
/// password so credentials never reach a log or an error message.
package struct RegistryCredentials: Sendable, CustomStringConvertible {
    package var username: String
    package var password: String

    package init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `user:password` split at the first colon; nil without one.
    package init?(pair: String) {
        guard let colon = pair.firstIndex(of: ":") else { return nil }
        self.init(username: String(pair[..<colon]), password: String(pair[pair.index(after: colon)...]))
    }

    package var description: String { "\(username):***" }

    /// The value of an `Authorization: Basic` header.
    var basicHeader: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }

    /// Credentials for `host` (`name` or `name:port`): `MFC_REGISTRY_AUTH=user:password` applies to
    /// every registry; otherwise the file `MFC_REGISTRY_AUTH_FILE` (default `~/.mfc/auth.json`) in
    /// the containers auth-file shape that skopeo, podman and docker also read:
    /// `{"auths": {"host:port": {"auth": base64("user:password")}}}`.
    package static func lookup(host: String, environment: [String: String]) -> RegistryCredentials? {
        if let pair = environment["MFC_REGISTRY_AUTH"], !pair.isEmpty { return RegistryCredentials(pair: pair) }
        let home = FileSystemProbe.homeDirectory(environment: environment)
        let file = environment["MFC_REGISTRY_AUTH_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.mfc/auth.json"
        guard let bytes = FileIO.read(file), let json = try? JSONValue.parse(bytes),
              let auths = json["auths"]?.objectValue else { return nil }
        for (key, entry) in auths where key == host || key.hasSuffix("://" + host) {
            guard let encoded = entry["auth"]?.stringValue, let data = Data(base64Encoded: encoded) else { continue }
            return RegistryCredentials(pair: String(decoding: data, as: UTF8.self))
        }
        return nil
    }
}
