/// A `WWW-Authenticate` header: the scheme (`Bearer`, `Basic`) and its parameters (`realm`,
/// `service`, `scope`, ...), with quoted values unescaped.
package struct AuthChallenge: Sendable, Equatable {
    package var scheme: String
    package var parameters: [String: String]

    package init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses `Scheme k1="v1",k2=v2`; nil when there is no scheme.
    package init?(header: String) {
        let text = Array(header.utf8)
        var i = 0
        func skipSpaces() { while i < text.count, text[i] == 32 || text[i] == 9 { i += 1 } }
        skipSpaces()
        let schemeStart = i
        while i < text.count, text[i] != 32 { i += 1 }
        guard i > schemeStart else { return nil }
        scheme = String(decoding: text[schemeStart..<i], as: UTF8.self)
        parameters = [:]
        while i < text.count {
            skipSpaces()
            let keyStart = i
            while i < text.count, text[i] != UInt8(ascii: "="), text[i] != UInt8(ascii: ",") { i += 1 }
            let key = String(decoding: text[keyStart..<i], as: UTF8.self).trimmingSpaces.lowercased()
            var value: [UInt8] = []
            if i < text.count, text[i] == UInt8(ascii: "=") {
                i += 1
                skipSpaces()
                if i < text.count, text[i] == UInt8(ascii: "\"") {
                    i += 1
                    while i < text.count, text[i] != UInt8(ascii: "\"") {
                        if text[i] == UInt8(ascii: "\\"), i + 1 < text.count { i += 1 }
                        value.append(text[i])
                        i += 1
                    }
                    i += 1
                } else {
                    while i < text.count, text[i] != UInt8(ascii: ",") { value.append(text[i]); i += 1 }
                }
            }
            while i < text.count, text[i] != UInt8(ascii: ",") { i += 1 }
            i += 1
            if !key.isEmpty { parameters[key] = String(decoding: value, as: UTF8.self).trimmingSpaces }
        }
    }

    package var isBearer: Bool { scheme.lowercased() == "bearer" }
    package var isBasic: Bool { scheme.lowercased() == "basic" }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
