import Testing
import Runtime
@testable import Builder

struct HashCase: Sendable, CustomTestStringConvertible {
    let name: String, input: [UInt8], hex: String
    var testDescription: String { name }

    /// FIPS 180-2 Appendix B and the NIST CAVP short/long message examples.
    static let nist: [HashCase] = [
        HashCase(name: "empty", input: [], hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        HashCase(name: "abc", input: Array("abc".utf8), hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        HashCase(name: "448 bits", input: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
                 hex: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        HashCase(name: "896 bits", input: Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8),
                 hex: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        HashCase(name: "million a", input: [UInt8](repeating: 0x61, count: 1_000_000),
                 hex: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]
}

@Test(arguments: HashCase.nist)
func sha256MatchesNIST(_ c: HashCase) {
    #expect(Digest.of(c.input).hex == c.hex)
}

/// Splitting the input at any point must give the same digest as hashing it whole.
@Test func sha256StreamingSplitsAgree() {
    let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    let whole = Digest.of(data)
    for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 200, 299, 300] {
        var h = SHA256()
        h.update(Array(data[..<split]))
        h.update(Array(data[split...]))
        #expect(Digest(bytes: h.finalize()) == whole, "split at \(split)")
    }
    var bytewise = SHA256()
    for b in data { bytewise.update([b]) }
    #expect(Digest(bytes: bytewise.finalize()) == whole)
}

@Test func digestParsesBothForms() {
    let hex = String(repeating: "ab", count: 32)
    #expect(Digest(parsing: "sha256:" + hex)?.hex == hex)
    #expect(Digest(parsing: "sha256-" + hex.uppercased())?.hex == hex)
    #expect(Digest(parsing: "sha256_" + hex) == nil)
    #expect(Digest(parsing: "sha256:" + hex.dropLast()) == nil)
    #expect(Digest(parsing: "sha256:" + hex.dropLast() + "g") == nil)
}

/// The hardware path (when this CPU has it) and the Swift rounds agree on many lengths.
@Test func hardwareAndSoftwareRoundsAgree() {
    var rng = SplitMix64(seed: 42)
    for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4096 + 17, 100_000] {
        let data = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(SHA256.softwareHash(data) == SHA256.hash(data), "length \(length)")
    }
}

@Test(arguments: HashCase.nist)
func swiftRoundsMatchNIST(_ c: HashCase) {
    #expect(Digest(bytes: SHA256.softwareHash(c.input)).hex == c.hex)
}
