import Testing
@testable import Builder

@Test func builderVersionIsSemver() {
    #expect(BuilderInfo.version.split(separator: ".").count == 3)
}
