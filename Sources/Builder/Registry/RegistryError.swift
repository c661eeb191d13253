import ModelfileLang

/// A registry operation that failed, with a message meant for a person.
package struct RegistryError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }

    /// The message of a registry error answer: the spec's `{"errors":[{"code","message"}]}` when
    /// present, else the start of the body.
    static func answer(_ response: HTTPResponse, doing what: String) -> RegistryError {
        var detail = response.bodyText.trimmingSpaces
        if let json = try? JSONValue.parse(response.body), let errors = json["errors"]?.arrayValue {
            detail = errors.map { e in [e["code"]?.stringValue, e["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ") }
                .joined(separator: "; ")
        }
        return RegistryError("\(what): the registry answered \(response.status)\(detail.isEmpty ? "" : " (\(detail))")")
    }
}
