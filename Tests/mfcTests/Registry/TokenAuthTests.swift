import Foundation
import Testing
import TestSupport
@testable import mfc

/// The distribution registry in `auth: token` mode, with a token service that signs JWTs with the
/// key of the registry's root certificate: push and pull follow the 401's Bearer challenge, fetch
/// a token with the basic credentials, cache it per scope and retry.
@Suite(.serialized) struct TokenAuthTests {
    @Test func pushAndPullThroughATokenService() throws {
        let registry = try LocalRegistry(tokenAuth: ("mfc-user", "t0ken-pass"))
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var refused = 0
        try RegistryTests.authenticatedRoundTrip(registry, in: dir, user: "mfc-user", password: "t0ken-pass", anonymousError: "token service refused",
                                                 afterRefusals: { refused = registry.tokenRequests.count }) {
            // Three connections, the blobs and the manifest: one token for the push scope, fetched once.
            #expect(Array(registry.tokenRequests.dropFirst(refused)) == ["repository:team/smol:pull,push"], "\(registry.tokenRequests)")
        }
        // The pull asked for the pull scope, once.
        #expect(Array(registry.tokenRequests.dropFirst(refused + 1)) == ["repository:team/smol:pull"], "\(registry.tokenRequests)")

        // A model built FROM the pulled one shares its layers: the push mounts them from team/smol,
        // which the registry allows only with a token that also grants pull on team/smol.
        let other = dir + "/other", derived = "\(registry.host)/team/derived"
        try "FROM \(registry.host)/team/smol\nSYSTEM Answer briefly.\n".write(toFile: dir + "/derived.Modelfile", atomically: true, encoding: .utf8)
        #expect(runMFC(["build", "-f", dir + "/derived.Modelfile", "-t", derived, "--store", other]).status == 0)
        let before = registry.tokenRequests.count
        let pushed = runMFC(["push", derived, "--insecure", "--store", other], env: ["MFC_REGISTRY_AUTH": "mfc-user:t0ken-pass"])
        #expect(pushed.status == 0, "\(pushed.err)")
        #expect(pushed.err.contains("mounted"), "\(pushed.err)")
        let tokens = Array(registry.tokenRequests.dropFirst(before))
        #expect(tokens.first == "repository:team/derived:pull,push", "\(tokens)")
        #expect(tokens.contains("repository:team/derived:pull,push repository:team/smol:pull"), "\(tokens)")
        #expect(Set(tokens).count == tokens.count, "a scope was fetched twice: \(tokens)")
    }
}
