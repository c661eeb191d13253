import Foundation
import Testing
@testable import Builder

@Test func folderBuildsInDependencyOrder() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    write("FROM base\nSYSTEM child\n", to: dir + "/child.Modelfile")
    write("FROM m.gguf\nSYSTEM base\n", to: dir + "/base.Modelfile")
    write("FROM child\nSYSTEM grandchild\n", to: dir + "/grand.Modelfile")
    write("FROM m.gguf\n", to: dir + "/solo.Modelfile")
    let waves = try DirectoryBuild.waves(try DirectoryBuild.targets(in: dir))
    #expect(waves.map { $0.map(\.name.model) } == [["base", "solo"], ["child"], ["grand"]])
    let ok = DirectoryBuild.build(waves, builder: ModelBuilder(store: store, clock: laterClock), options: BuildOptions()) { _, _ in }
    #expect(ok)
    #expect(store.modelNames().map(\.model).sorted() == ["base", "child", "grand", "solo"])
    #expect(try store.resolve(ModelName(parsing: "grand")).system == "grandchild")
}

@Test func folderCycleIsAnError() throws {
    let dir = temporaryDirectory()
    defer { cleanup(dir) }
    write("FROM b\n", to: dir + "/a.Modelfile")
    write("FROM a\n", to: dir + "/b.Modelfile")
    #expect(throws: StoreError("dependency cycle: a.Modelfile -> b.Modelfile -> a.Modelfile")) {
        try DirectoryBuild.waves(try DirectoryBuild.targets(in: dir))
    }
}

@Test func modelfileNamesDefaultFromTheFile() {
    #expect(ModelfileNaming.defaultName(forModelfileAt: "/x/Pirate.Modelfile").model == "pirate")
    #expect(ModelfileNaming.defaultName(forModelfileAt: "/x/my persona/Modelfile").model == "my-persona")
    #expect(ModelfileNaming.isModelfile("a.Modelfile") && ModelfileNaming.isModelfile("Modelfile"))
    #expect(!ModelfileNaming.isModelfile(".Modelfile") && !ModelfileNaming.isModelfile("Modelfile.bak"))
}

@Test func caseInsensitiveNamesShareOneManifest() throws {
    let dir = temporaryDirectory(), store = ModelStore(root: dir + "/store")
    defer { cleanup(dir) }
    writeBytes(minimalGGUF(), to: dir + "/m.gguf")
    let b = ModelBuilder(store: store, clock: laterClock)
    _ = try b.build(modelfile: "FROM m.gguf\n", directory: dir, as: ModelName(parsing: "foo"))
    _ = try b.build(modelfile: "FROM m.gguf\nSYSTEM x\n", directory: dir, as: ModelName(parsing: "Foo"))
    #expect(store.modelNames().map(\.model) == ["foo"])
    #expect(try store.resolve(ModelName(parsing: "FOO")).system == "x")
}
