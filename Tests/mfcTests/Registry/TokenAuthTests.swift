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
        var refused = 0
        try RegistryTests.authenticatedRoundTrip(registry, user: "mfc-user", password: "t0ken-pass", anonymousError: "token service refused",
                                                 afterRefusals: { refused = registry.tokenRequests.count }) {
            // Three connections, the blobs and the manifest: one token for the push scope, fetched once.
            #expect(Array(registry.tokenRequests.dropFirst(refused)) == ["repository:team/smol:pull,push"], "\(registry.tokenRequests)")
        }
        // The pull asked for the pull scope, once.
        #expect(Array(registry.tokenRequests.dropFirst(refused + 1)) == ["repository:team/smol:pull"], "\(registry.tokenRequests)")
    }
}
