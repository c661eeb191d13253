import Builder
import Foundation
import Testing

/// Tool calls and thinking through `mfc serve` with the real `ollama` and `openai` clients: SmolLM2 under
/// mfc's Llama 3.1 family template (tools) and DeepSeek-R1 family template (thinking), greedy.
@Suite(.serialized) struct ServeToolTests {
    @Test func clientsGetToolCallsAndThinking() throws {
        let server = try ServeFixture()
        let llama = try #require(ChatTemplateFamily.detect(jinja: "<|start_header_id|> Cutting Knowledge Date"))
        let deepSeek = try #require(ChatTemplateFamily.detect(jinja: "<｜User｜><｜Assistant｜>"))
        let tools = server.directory + "/tools.tmpl", thinking = server.directory + "/thinking.tmpl"
        try llama.template.write(toFile: tools, atomically: true, encoding: .utf8)
        try deepSeek.template.write(toFile: thinking, atomically: true, encoding: .utf8)
        let r = try server.python("tools_client.py", [tools, thinking])
        #expect(r.status == 0 && r.output.contains("all ok"), "\(r.output)\n--- server log ---\n\(server.log.text.suffix(3000))")
        #expect(server.stop() == 0)
    }
}
