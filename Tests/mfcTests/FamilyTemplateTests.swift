import Foundation
import Testing
import TestSupport
import ModelfileLang
@testable import mfc
@testable import Builder

private let families = Golden.repositoryRoot + "/Tests/Fixtures/templates/families"

/// One real chat template (Tests/Fixtures/templates/families/NAME.jinja) and the family mfc detects.
struct FamilyCase: Sendable, CustomTestStringConvertible {
    let source: String, family: String
    var testDescription: String { source }
    static let all = [("chatml", "chatml"), ("chatml-smollm2", "chatml"), ("qwen2", "qwen2"), ("llama3", "llama3"), ("llama3.1", "llama3"),
                      ("llama2", "llama2"), ("mistral", "mistral"), ("mistral-v1", "mistral"), ("mistral-v3", "mistral"), ("gemma", "gemma"), ("phi3", "phi3"),
                      ("phi4", "phi4"), ("command-r", "command-r")]
        .map { FamilyCase(source: $0.0, family: $0.1) }
}

/// The family detected from the real Jinja template, rendered by `mfc template` for each conversation,
/// gives exactly the prompt transformers renders from that Jinja template (expected/: made by
/// scripts/reference/make-family-prompts.py).
@Test(arguments: FamilyCase.all)
func familyTemplateRendersLikeTransformers(_ c: FamilyCase) throws {
    let jinja = try String(contentsOfFile: families + "/" + c.source + ".jinja", encoding: .utf8)
    let family = try #require(ChatTemplateFamily.detect(jinja: jinja))
    #expect(family.name == c.family)
    let dir = NSTemporaryDirectory() + "mfc-family-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try family.template.write(toFile: dir + "/template.gotmpl", atomically: true, encoding: .utf8)
    let expected = try FileManager.default.contentsOfDirectory(atPath: families + "/expected/" + c.source).sorted()
    #expect(expected.count >= 2)
    for file in expected {
        let conversation = families + "/conversations/" + file.replacingOccurrences(of: ".txt", with: ".json")
        let r = runMFC(["template", "--template", dir + "/template.gotmpl", "--request", conversation])
        #expect(r.status == 0, "\(r.err)")
        let want = try String(contentsOfFile: families + "/expected/" + c.source + "/" + file, encoding: .utf8)
        #expect(r.out == want, "\(c.source)/\(file)\n\(Golden.lineDiff(expected: want, actual: r.out, label: file))")
    }
}

@Test func unknownJinjaHasNoFamily() {
    #expect(ChatTemplateFamily.detect(jinja: "{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}\n{% endfor %}") == nil)
    #expect(ChatTemplateFamily.chatMLDefaultSystem("{{ '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>' }}") == nil)
}

/// `mfc template` on a Modelfile FROM a Hugging Face folder renders with the family template the
/// import will get.
@Test func templateFromCheckpointFolderUsesFamilyTemplate() throws {
    let dir = NSTemporaryDirectory() + "mfc-family-folder-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir + "/hf", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let jinja = try String(contentsOfFile: families + "/phi3.jinja", encoding: .utf8)
    try "{\"architectures\":[\"Phi3ForCausalLM\"]}".write(toFile: dir + "/hf/config.json", atomically: true, encoding: .utf8)
    try "{\"chat_template\":\(JSONValue.string(jinja).goEncodedString)}".write(toFile: dir + "/hf/tokenizer_config.json", atomically: true, encoding: .utf8)
    try "FROM ./hf\n".write(toFile: dir + "/Modelfile", atomically: true, encoding: .utf8)
    let r = runMFC(["template", "--modelfile", dir + "/Modelfile", "--request", families + "/conversations/user-assistant-user.json"])
    #expect(r.status == 0)
    #expect(r.out == (try String(contentsOfFile: families + "/expected/phi3/user-assistant-user.txt", encoding: .utf8)))
    #expect(r.err.contains("phi3 family"))
}
