import Foundation
import Testing
import ModelfileLang
import TestSupport
@testable import Builder

/// One rule for each default folder, honouring HOME (containers and CI runners set a HOME other than the
/// password file's): the store for the CLI, and the test-model cache for the scripts and the tests.
struct DefaultFolderTests {
    @Test func theStoreIsTheOptionThenMFCThenOllamaThenHome() {
        let home = ["HOME": "/h"]
        #expect(ModelStore.defaultRoot(option: "/o", environment: home.merging(["MFC_MODELS": "/m"]) { a, _ in a }) == "/o")
        #expect(ModelStore.defaultRoot(option: nil, environment: ["HOME": "/h", "MFC_MODELS": "/m", "OLLAMA_MODELS": "/ol"]) == "/m")
        #expect(ModelStore.defaultRoot(option: nil, environment: ["HOME": "/h", "OLLAMA_MODELS": " \"/ol\" "]) == "/ol")
        #expect(ModelStore.defaultRoot(option: nil, environment: ["HOME": "/h", "MFC_MODELS": "", "OLLAMA_MODELS": "/ol"]) == "/ol")
        #expect(ModelStore.defaultRoot(option: nil, environment: home) == "/h/.mfc/models")
        #expect(ModelStore.defaultRoot(option: nil, environment: ["HOME": ""]) == FileManager.default.homeDirectoryForCurrentUser.path + "/.mfc/models")
    }

    @Test func homeIsTheVariableWhenSet() {
        #expect(FileSystemProbe.homeDirectory(environment: ["HOME": "/somewhere/else"]) == "/somewhere/else")
        #expect(!FileSystemProbe.homeDirectory(environment: [:]).isEmpty)
    }

    /// The scripts (scripts/lib/folders.sh) and the tests (TestModels) find the same cache in every case.
    @Test(arguments: [["HOME": "/elsewhere"], ["HOME": "/elsewhere", "MFC_TEST_MODELS": "/cache"], ["HOME": "/x", "MFC_TEST_MODELS": ""]])
    func scriptsAndTestsAgreeOnTheModelCache(_ environment: [String: String]) throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/bash")
        child.arguments = ["-c", ". \"$1\" && mfc_test_models_dir", "sh", repository + "/scripts/lib/folders.sh"]
        child.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 0)
        #expect(printed == TestModels.cacheDirectory(environment: environment) + "\n")
    }
}
