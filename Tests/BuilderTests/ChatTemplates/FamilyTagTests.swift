import Testing
@testable import Builder
import ModelfileLang

/// The tags a server reads from a family's template to parse tool calls and reasoning out of the
/// model's output (Ollama's heuristics over the template), for the families that render tools.
@Test(arguments: [
    ("qwen2", "<tool_call>", false), ("qwen3", "<tool_call>", true), ("llama3.1", "{", false), ("chatml", "{", false),
    ("deepseek-r1", "{", true), ("mistral-v7", "[TOOL_CALLS]", false),
    ("mistral", "[TOOL_CALLS][", false),
])
func familyTemplateGivesTheToolAndThinkingTags(_ family: String, _ toolTag: String, _ thinks: Bool) throws {
    let jinja: String
    switch family {
    case "qwen2": jinja = "{{'<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud.<|im_end|>\\n'}}<|im_start|>"
    case "qwen3": jinja = "<|im_start|>{% if enable_thinking %}{% endif %}"
    case "llama3.1": jinja = "<|start_header_id|>Cutting Knowledge Date"
    case "deepseek-r1": jinja = "<｜User｜><｜Assistant｜>"
    case "mistral-v7": jinja = "[SYSTEM_PROMPT] [TOOL_CALLS] [CALL_ID]"
    case "mistral": jinja = "{{- \"[AVAILABLE_TOOLS][\" }} {{- \"[INST]\" + m }}"
    default: jinja = "<|im_start|>"
    }
    let detected = try #require(ChatTemplateFamily.detect(jinja: jinja))
    let template = try PromptTemplate.parse(detected.template)
    #expect(template.toolCallTag == toolTag, "\(family)")
    let tags = template.thinkingTags
    #expect((tags?.opening, tags?.closing) == (thinks ? "<think>" : nil, thinks ? "</think>" : nil), "\(family)")
    #expect(template.vars.contains("tools") == ["qwen2", "qwen3", "llama3.1", "mistral-v7", "mistral"].contains(family), "\(family) capability tools")
}

/// Ollama's heuristics on hand-written templates: the tag is cut at `{` and trimmed, an action before
/// any text means no tag, and thinking tags need a `.Thinking` inside a range over `.Messages`.
@Test func tagHeuristicsFollowOllama() throws {
    func parse(_ s: String) throws -> PromptTemplate { try PromptTemplate.parse(s) }
    #expect(try parse("{{ range .Messages }}{{ if .ToolCalls }} [TOOL_CALLS] {\"a\": 1}{{ end }}{{ end }}").toolCallTag == "[TOOL_CALLS]")
    #expect(try parse("{{ range .Messages }}{{ if .ToolCalls }}{{ .Content }}<tool_call>{{ end }}{{ end }}").toolCallTag == "{")
    #expect(try parse("{{ .Prompt }}").toolCallTag == "{")
    let thinking = try parse("{{ range .Messages }}{{ if .Thinking }}<th>{{ .Thinking }}</th>{{ end }}{{ end }}").thinkingTags
    #expect(thinking?.opening == "<th>" && thinking?.closing == "</th>")
    #expect(try parse("{{ if .Thinking }}<th>{{ .Thinking }}</th>{{ end }}").thinkingTags == nil)
}
