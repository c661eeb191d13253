import Testing
@testable import Builder

/// The parts of registry authentication that need no registry: challenge headers and token scopes.
struct RegistryAuthTests {
    @Test func challengeParametersAreUnquoted() throws {
        let c = try #require(AuthChallenge(header: #"Bearer realm="http://h:1/token",service="reg",scope="repository:a/b:pull,push repository:c/d:pull""#))
        #expect(c.isBearer)
        #expect(c.parameters["realm"] == "http://h:1/token")
        #expect(c.parameters["scope"] == "repository:a/b:pull,push repository:c/d:pull")
        #expect(AuthChallenge(header: "") == nil)
    }

    @Test func scopesOfOneRepositoryAreMerged() {
        // The challenge of a HEAD asks for pull; a push client wants pull,push; a mount adds another repository.
        #expect(RegistryAuth.merged(["repository:team/m:pull", "repository:team/m:pull,push", "repository:lib/b:pull"])
                == ["repository:lib/b:pull", "repository:team/m:pull,push"])
        #expect(RegistryAuth.merged(["repository:team/m:push", "repository:team/m:pull"]) == ["repository:team/m:pull,push"])
        #expect(RegistryAuth.merged(["registry:catalog:*"]) == ["registry:catalog:*"])
    }
}
