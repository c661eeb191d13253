import Foundation
import Testing
import TestSupport
@testable import Builder
import ModelfileLang

private let fixtures = Golden.repositoryRoot + "/Tests/Fixtures/templates"

/// One real chat template of llama.cpp's set that a family covers, with the prompts jinja2 renders
/// from it (Tests/Fixtures/templates/llama.cpp/reference.json, made by
/// scripts/reference/make-llama-cpp-template-prompts.py).
struct LlamaCppTemplate: Sendable, CustomTestStringConvertible {
    let file: String, sha256: String, family: String, today: String?
    /// (conversation, prompt); a nil prompt means the Jinja refuses the conversation.
    let cases: [(String, String?)]
    var testDescription: String { file }

    static let all: [LlamaCppTemplate] = {
        guard let data = FileManager.default.contents(atPath: fixtures + "/llama.cpp/reference.json"),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["templates"] as? [[String: Any]] else { return [] }
        return entries.map { e in
            LlamaCppTemplate(file: e["file"] as? String ?? "", sha256: e["sha256"] as? String ?? "", family: e["family"] as? String ?? "",
                             today: e["today"] as? String,
                             cases: (e["cases"] as? [[String: Any]] ?? []).map { ($0["conversation"] as? String ?? "", $0["prompt"] as? String) })
        }
    }()
}

/// The request of Tests/Fixtures/templates/families/conversations/NAME.json (or DIR/NAME.json under
/// families/): messages, tools and think, decoded as Ollama decodes an /api/chat body.
private func conversation(_ name: String) throws -> PromptValues {
    let path = fixtures + "/families/" + (name.contains("/") ? name : "conversations/" + name) + ".json"
    let data = try #require(FileManager.default.contents(atPath: path))
    let request = try ChatRequest(json: try JSONValue.parse(String(decoding: data, as: UTF8.self)))
    return PromptValues(messages: request.messages, tools: request.tools, think: request.think)
}

@Test func referenceCoversTheFamilies() {
    #expect(LlamaCppTemplate.all.count >= 14)
    let families = Set(LlamaCppTemplate.all.map(\.family))
    for name in ["qwen2", "qwen3", "llama3", "deepseek-r1", "gemma", "phi3", "mistral", "mistral-v7", "granite"] {
        #expect(families.contains(name), "no llama.cpp template of the \(name) family")
    }
}

/// Each template file (unchanged since the reference was made) is recognised as its family, and the
/// family's Go template renders exactly what jinja2 renders from the file, for every conversation the
/// Jinja accepts. `currentDate` is fixed to the date text the reference used for `strftime_now`.
@Test(arguments: LlamaCppTemplate.all)
func llamaCppTemplateIsRecognisedAndRendersLikeJinja(_ t: LlamaCppTemplate) throws {
    let path = try TestModels.llamaCppTemplates() + "/" + t.file
    let data = try #require(FileManager.default.contents(atPath: path), "missing \(path); run scripts/fetch-models.sh templates")
    #expect(Digest.of(Array(data)).hex == t.sha256, "\(t.file) changed since the reference was made")
    let family = try #require(ChatTemplateFamily.detect(jinja: String(decoding: data, as: UTF8.self)), "\(t.file): no family")
    #expect(family.name == t.family)
    let template = try PromptTemplate.parse(family.template, options: TemplateOptions(fixedToday: t.today))
    var compared = 0
    for (name, prompt) in t.cases {
        guard let prompt else { continue }
        let rendered = try template.execute(try conversation(name))
        #expect(rendered == prompt, "\(t.file) / \(name)\n\(Golden.lineDiff(expected: prompt, actual: rendered, label: name))")
        compared += 1
    }
    #expect(compared >= 2)
}
