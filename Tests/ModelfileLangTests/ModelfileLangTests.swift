import Testing
@testable import ModelfileLang

@Test func versionIsSemver() {
    #expect(ModelfileLang.version.split(separator: ".").count == 3)
}
