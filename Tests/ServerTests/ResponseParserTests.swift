import Testing
import ModelfileLang
import Server

/// The tool-call and thinking parsers on recorded model outputs, whole and streamed in pieces of every
/// size (the split must not change what is found).
@Suite struct ResponseParserTests {
    static let qwen = try! PromptTemplate.parse("{{ range .Messages }}{{ if .ToolCalls }}{{ range .ToolCalls }}\n<tool_call>\n{\"name\": \"{{ .Function.Name }}\"}\n</tool_call>{{ end }}{{ end }}{{ end }}")
    static let qwen3 = try! PromptTemplate.parse("{{ range .Messages }}{{ if .Thinking }}<think>\n{{ .Thinking }}\n</think>\n\n{{ end }}"
                                                 + "{{ if .ToolCalls }}{{ range .ToolCalls }}<tool_call>\n{}</tool_call>{{ end }}{{ end }}{{ end }}")
    static let llama = try! PromptTemplate.parse("{{ range .Messages }}{{ if .ToolCalls }}{{ range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\"}{{ end }}{{ end }}{{ end }}")
    static let tools = ["get_weather", "get_time", "get"]

    /// The output parsed in pieces of `size` characters, then the remainder.
    static func parse(_ output: String, template: PromptTemplate, size: Int, prompt: String = "", think: Bool = false,
                      tools: [String] = tools) -> ParsedOutput {
        var parser = ResponseParser(template: template, prompt: prompt, think: think, toolNames: tools)
        var result = ParsedOutput()
        var rest = Substring(output)
        while !rest.isEmpty {
            result += parser.add(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        result += parser.remainder
        return result
    }

    /// The same result for every piece size.
    static func parseAllWays(_ output: String, template: PromptTemplate, prompt: String = "", think: Bool = false) -> ParsedOutput {
        let whole = parse(output, template: template, size: output.count + 1, prompt: prompt, think: think)
        for size in 1...min(12, output.count) {
            let pieces = parse(output, template: template, size: size, prompt: prompt, think: think)
            #expect(pieces == whole, "pieces of \(size)")
        }
        return whole
    }

    static func call(_ index: Int, _ name: String, _ arguments: String) throws -> ParsedToolCall {
        ParsedToolCall(index: index, name: name, arguments: try JSONValue.parse(arguments))
    }

    @Test func qwenCallsAfterText() throws {
        #expect(Self.qwen.toolCallTag == "<tool_call>")
        let out = Self.parseAllWays("""
            Let me check.
            <tool_call>
            {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}
            </tool_call>
            <tool_call>
            {"name": "get_time", "arguments": {"zone": "Europe/Paris", "note": "a } in \\" text"}}
            </tool_call>
            """, template: Self.qwen)
        #expect(out.content == "Let me check.\n")
        #expect(out.calls == [try Self.call(0, "get_weather", #"{"city": "Paris", "unit": "celsius"}"#),
                              try Self.call(1, "get_time", #"{"zone": "Europe/Paris", "note": "a } in \" text"}"#)])
    }

    @Test func argumentsAsTextOrUnderTheToolName() throws {
        let out = Self.parseAllWays(#"<tool_call>{"name": "get_time", "arguments": "{\"zone\": \"UTC\"}"}</tool_call>"#, template: Self.qwen)
        #expect(out.calls == [try Self.call(0, "get_time", #"{"zone": "UTC"}"#)])
        let nested = Self.parseAllWays(#"<tool_call>{"get_weather": {"city": "Rome"}}</tool_call>"#, template: Self.qwen)
        #expect(nested.calls == [try Self.call(0, "get_weather", #"{"city": "Rome"}"#)])
        // A call naming no arguments is not taken (Ollama's parser waits for them).
        #expect(Self.parseAllWays(#"<tool_call>{"name": "get_time"}</tool_call>"#, template: Self.qwen).calls.isEmpty)
    }

    @Test func llamaJSONAnswerIsACallOnlyWhenItStartsTheAnswer() throws {
        #expect(Self.llama.toolCallTag == "{")
        let out = Self.parseAllWays(#"{"name": "get_weather", "parameters": {"city": "Paris"}}"#, template: Self.llama)
        #expect(out.calls == [try Self.call(0, "get_weather", #"{"city": "Paris"}"#)] && out.content.isEmpty)
        let text = "The weather tool says {\"city\": \"Paris\"} is sunny."
        let plain = Self.parseAllWays(text, template: Self.llama)
        #expect(plain.calls.isEmpty && plain.content == text)
        // An answer that starts like JSON but names no tool is given back as text.
        let unfinished = Self.parseAllWays("{\"answer\": 42", template: Self.llama)
        #expect(unfinished.calls.isEmpty && unfinished.content == "{\"answer\": 42")
    }

    @Test func withoutToolsTheTextIsUnchanged() {
        let text = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {}}</tool_call>"
        #expect(Self.parse(text, template: Self.qwen, size: 3, tools: []) == ParsedOutput(content: text))
    }

    @Test func thinkingIsSplitFromTheAnswer() throws {
        #expect(Self.qwen3.thinkingTags.map { [$0.opening, $0.closing] } == ["<think>", "</think>"])
        let out = Self.parseAllWays("<think>\nThe user greets me.\n</think>\n\nHello! How can I help?", template: Self.qwen3, think: true)
        #expect(out.thinking == "The user greets me.\n" && out.content == "Hello! How can I help?")
        // Thinking off: the tags stay in the text.
        let off = Self.parse("<think>\nx\n</think>\n\nHi", template: Self.qwen3, size: 2, think: false)
        #expect(off.thinking.isEmpty && off.content == "<think>\nx\n</think>\n\nHi")
        // No opening tag: no reasoning, the text is kept as it came.
        #expect(Self.parseAllWays("  Hi there", template: Self.qwen3, think: true) == ParsedOutput(content: "  Hi there"))
    }

    @Test func promptEndingInTheOpeningTagStartsInsideTheReasoning() {
        let out = Self.parseAllWays("Add them: 4.</think>\n\nThe answer is 4.", template: Self.qwen3, prompt: "<｜Assistant｜><think>\n", think: true)
        #expect(out.thinking == "Add them: 4." && out.content == "The answer is 4.")
    }

    @Test func reasoningThenACall() throws {
        let out = Self.parseAllWays("<think>\nI need the weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>",
                                    template: Self.qwen3, think: true)
        #expect(out.thinking == "I need the weather.\n")
        #expect(out.calls == [try Self.call(0, "get_weather", #"{"city": "Oslo"}"#)] && out.content.isEmpty)
    }
}
