import Foundation
import ModelfileLang
import Testing
import TestSupport
@testable import mfc

// `mfc run --format` on the real SmolLM2: answers parse, follow the schema and end by themselves,
// including prompts on which the model loops inside a string when unconstrained by a budget.

private func smol() throws -> String { try TestModels.smolLM2() }
/// A cap far above what the answers need: reaching it would mean the answer did not end by itself.
private let cap = 400

private func run(_ prompt: String, format: String, cwd: String = FileManager.default.currentDirectoryPath) throws -> (json: JSONValue?, out: String, err: String) {
    let r = runMFC(["run", try smol(), prompt, "--format", format, "--verbose",
                    "--param", "temperature=0", "--param", "num_predict=\(cap)"], cwd: cwd)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.err.contains("done reason:          stop"), "did not end by itself: \(r.err)")
    let count = r.err.split(separator: "\n").first { $0.hasPrefix("eval count:") }
        .flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? cap
    #expect(count < cap, "ran to the cap: \(r.out)")
    return (try? JSONValue.parse(r.out.trimmingCharacters(in: .whitespacesAndNewlines)), r.out, r.err)
}

@Test(arguments: ["Describe a cat as JSON with keys name and color.", "What is the capital of France? Answer in JSON.",
                  // These two loop when unconstrained: a line repeated inside one string, a key repeated in an object.
                  "Write a short poem about the sea in JSON format.", "List three fruits as JSON."])
func formatJSONAnswersAreOneObjectThatEndsByItself(_ prompt: String) throws {
    let r = try run(prompt, format: "json")
    guard case .object? = r.json else { Issue.record("not one JSON object: \(r.out)"); return }
}

@Test(arguments: [
    ("Describe a cat.", #"{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer"},"colors":{"type":"array","items":{"type":"string"},"maxItems":3}},"required":["name","age","colors"]}"#),
    ("Write a short poem about the sea.", #"{"type":"object","properties":{"title":{"type":"string"},"lines":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":4}},"required":["title","lines"]}"#),
    ("Is the sky blue?", #"{"type":"object","properties":{"answer":{"enum":["yes","no"]},"confidence":{"type":"number"}},"required":["answer","confidence"]}"#),
])
func schemaAnswersValidateAgainstTheSchema(_ prompt: String, _ schemaText: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-schema-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try schemaText.write(toFile: dir + "/schema.json", atomically: true, encoding: .utf8)
    let r = try run(prompt, format: "@schema.json", cwd: dir)
    let value = try #require(r.json, "does not parse: \(r.out)")
    #expect(SchemaValidator.problem(value, try JSONValue.parse(schemaText)) == nil, "\(r.out)")
}

@Test func unusableFormatsAreRefusedBeforeLoading() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-schema-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try #"{"type":"string","pattern":"^a"}"#.write(toFile: dir + "/pattern.json", atomically: true, encoding: .utf8)
    try "{\n  \"type\": }".write(toFile: dir + "/broken.json", atomically: true, encoding: .utf8)
    let pattern = runMFC(["run", try smol(), "hi", "--format", "@pattern.json"], cwd: dir)
    #expect(pattern.status == 1 && pattern.err.contains("pattern.json: unsupported JSON schema keyword 'pattern' at #"), "\(pattern.err)")
    let broken = runMFC(["run", try smol(), "hi", "--format", "@broken.json"], cwd: dir)
    #expect(broken.status == 1 && broken.err.contains("broken.json:2:11: invalid JSON"), "\(broken.err)")
    let missing = runMFC(["run", try smol(), "hi", "--format", "@nowhere.json"], cwd: dir)
    #expect(missing.status == 1 && missing.err.contains("cannot read 'nowhere.json'"), "\(missing.err)")
    let unknown = runMFC(["run", try smol(), "hi", "--format", "yaml"])
    #expect(unknown.status == 2 && unknown.err.contains("format 'yaml' is not json or @FILE"), "\(unknown.err)")
}
