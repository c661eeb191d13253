/// A cache key: SHA-256 over a canonical encoding of the action's kind, version, input digests
/// and settings. Every field is length-prefixed and settings are sorted, so no two different
/// actions can encode alike.
package struct ActionKey: Sendable, Hashable, CustomStringConvertible {
    package let digest: Digest

    package init(kind: String, version: Int, inputs: [String], settings: [String: String]) {
        var bytes: [UInt8] = []
        func field(_ s: String) {
            let u = Array(s.utf8)
            bytes += Array(String(u.count).utf8) + [UInt8(ascii: ":")] + u
        }
        field(kind)
        field(String(version))
        field("mfc " + BuilderInfo.version)
        field(String(inputs.count))
        inputs.forEach(field)
        let sorted = settings.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        field(String(sorted.count))
        for (k, v) in sorted { field(k); field(v) }
        digest = Digest.of(bytes)
    }

    package var description: String { digest.hex }
}
