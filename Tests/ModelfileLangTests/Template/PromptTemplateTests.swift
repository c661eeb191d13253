import Testing
@testable import ModelfileLang

private func msgs(_ spec: String) -> [ChatMessage] {
    // "S:x U:y A:z T:w" → messages (roles system, user, assistant, tool)
    spec.split(separator: " ").map { part in
        let role = ["S": "system", "U": "user", "A": "assistant", "T": "tool"][String(part.prefix(1))] ?? "user"
        return ChatMessage(role: role, content: String(part.dropFirst(2)).replacingOccurrences(of: "_", with: " "))
    }
}

struct LegacyCase: Sendable, CustomTestStringConvertible {
    let template: String, messages: String, expected: String
    var testDescription: String { "\(template) over \(messages)" }

    /// Examples of Ollama prompt assembly, each verified against Ollama's Go code.
    static let all: [LegacyCase] = [
        LegacyCase(template: "<s>{{.System}}|{{.Prompt}}|{{.Response}}</s>", messages: "S:S U:U1 A:A1 U:U2", expected: "<s>S|U1|A1</s><s>|U2|"),
        LegacyCase(template: "<s>{{.System}}|{{.Prompt}}|{{.Response}}</s>", messages: "S:S U:U1 A:A1 U:U2 A:A2partial",
                   expected: "<s>S|U1|A1</s><s>|U2|A2partial"),
        LegacyCase(template: "<s>{{.System}}|{{.Prompt}}|{{.Response}}</s>", messages: "U:U1 S:S2 U:U2", expected: "<s>|U1|</s><s>S2|U2|"),
        LegacyCase(template: "<s>{{.System}}|{{.Prompt}}|{{.Response}}</s>", messages: "S:S1 S:S2 U:U", expected: "<s>S1\n\nS2|U|"),
        LegacyCase(template: "<s>{{.System}}|{{.Prompt}}|{{.Response}}</s>", messages: "U:U1 U:U2 T:t A:A A:A'",
                   expected: "<s>|U1\n\nU2|A\n\nA'"),
        LegacyCase(template: "{{.System}}|{{.Prompt}}", messages: "S:S U:U1 A:A1 U:U2", expected: "S|U1A1|U2"),
        LegacyCase(template: "[INST] {{if .System}}{{.System}} {{end}}{{.Prompt}}[/INST] ", messages: "S:S U:U1 A:A1 U:U2",
                   expected: "[INST] S U1[/INST] A1[INST] U2[/INST] "),
        LegacyCase(template: "{{if .Response}}R={{.Response}}{{end}}X{{.Prompt}}Y", messages: "U:U1 A:A1 U:U2", expected: "R=A1XU1Y"),
        LegacyCase(template: "{{ .Prompt }}{{ $.Response }}END", messages: "U:U1", expected: "U1END"),
        LegacyCase(template: "{{ .Prompt }}{{ .Response | print }}END", messages: "U:U1 A:A1", expected: "U1"),
    ]
}

@Test(arguments: LegacyCase.all)
func legacyModeMatchesOllama(_ c: LegacyCase) throws {
    let t = try PromptTemplate.parse(c.template)
    #expect(t.mode(for: PromptValues(messages: msgs(c.messages))) == .legacy)
    #expect(try t.execute(PromptValues(messages: msgs(c.messages))) == c.expected)
}

@Test func legacyFinalRenderHasNoOllamaFunctions() throws {
    let t = try PromptTemplate.parse("{{ currentDate }} {{ .Prompt }}{{ .Response }}")
    #expect(throws: TemplateError.self) { try t.execute(PromptValues(messages: msgs("U:hi"))) }
    do {
        _ = try t.execute(PromptValues(messages: msgs("U:hi")))
    } catch {
        #expect(error.message == "template: :1:3: executing \"\" at <currentDate>: \"currentDate\" is not a defined function")
    }
}

@Test func responseInsideIfWithElseIsAnErrorNotACrash() throws {
    let t = try PromptTemplate.parse("{{ .Prompt }}{{ if .Response }}{{ .Response }}{{ else }}none{{ end }}")
    #expect(throws: TemplateError.self) { try t.execute(PromptValues(messages: msgs("U:hi"))) }
}

@Test func varsAndAppendedResponse() throws {
    let legacy = try PromptTemplate.parse("{{ .System }} {{ .Prompt }}")
    #expect(legacy.vars == ["prompt", "system"])
    #expect(legacy.raw == "{{ .System }} {{ .Prompt }}")
    let chat = try PromptTemplate.parse("{{ range $i, $m := .Messages }}{{ $m.Content }}{{ end }}{{ if $.Tools }}{{ json $.Tools }}{{ end }}")
    #expect(chat.vars == ["$", "$m", "content", "messages", "tools"])   // declarations are not walked
    #expect(throws: TemplateParseError.self) { try PromptTemplate.parse("{{ define \"x\" }}x{{ end }}{{ template \"x\" }}") }
}

@Test func messagesModeDataModel() throws {
    let t = try PromptTemplate.parse("{{ .System }}|{{ .Prompt }}|{{ range .Messages }}<{{ .Role }}:{{ .Content }}>{{ end }}|{{ .Tools }}|{{ .Think }}{{ .ThinkLevel }}{{ .IsThinkSet }}")
    let out = try t.execute(PromptValues(messages: msgs("S:a S:b U:x U:y A:z"), think: .bool(true)))
    #expect(out == "a\n\nb|<no value>|<system:a\n\nb><user:x\n\ny><assistant:z>|null|truemediumtrue")
}

@Test func jsonOfMessagesUsesGoFieldNames() throws {
    let t = try PromptTemplate.parse("{{ json .Messages }}")
    let out = try t.execute(PromptValues(messages: [ChatMessage(role: "user", content: "<hi>")]))
    #expect(out == #"[{"Role":"user","Content":"\u003chi\u003e","Thinking":"","Images":null,"ToolCalls":null,"ToolName":"","ToolCallID":""}]"#)
}

@Test func toolCallsAndToolsPrintAsOllamaDoes() throws {
    let args = TemplateValue.object(["unit": .string("c"), "city": .string("Paris")])
    let call = ChatMessage(role: "assistant", content: "", toolCalls: [ToolCall(name: "get_weather", arguments: args)])
    let tool = Tool(name: "get_weather", description: "Weather", required: ["city"],
                    properties: ["city": ToolProperty(type: ["string"], description: "the city")])
    let t = try PromptTemplate.parse("{{ range .Messages }}{{ range .ToolCalls }}{{ .Function.Name }}{{ .Function.Arguments }}{{ range $k, $v := .Function.Arguments }}[{{ $k }}={{ $v }}]{{ end }}{{ end }}{{ end }}|{{ .Tools }}|{{ range .Tools }}{{ range $k, $p := .Function.Parameters.Properties }}{{ $k }}:{{ toTypeScriptType $p }}:{{ $p.Type }}{{ end }}{{ end }}")
    let out = try t.execute(PromptValues(messages: msgs("U:q") + [call], tools: [tool]))
    let toolsJSON = #"[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string","description":"the city"}}}}}]"#
    #expect(out == #"get_weather{"city":"Paris","unit":"c"}[city=Paris][unit=c]|"# + toolsJSON + "|city:string:string")
}

@Test func suffixMode() throws {
    let t = try PromptTemplate.parse("<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>")
    let b = PromptBuilder(template: t, system: "ignored")
    #expect(try b.generate(GenerateRequest(prompt: "def f(", suffix: "return 1")) == "<PRE> def f( <SUF>return 1 <MID>")
}

@Test func chatAndGenerateAssembleMessagesLikeOllama() throws {
    let t = try PromptTemplate.parse("{{ range .Messages }}[{{ .Role }}:{{ .Content }}]{{ end }}")
    let b = PromptBuilder(template: t, system: "SYS", messages: msgs("U:m1 A:m2"))
    #expect(try b.chat(ChatRequest(messages: msgs("U:hi"))) == "[system:SYS][user:m1][assistant:m2][user:hi]")
    #expect(try b.chat(ChatRequest(messages: msgs("S:own U:hi"))) == "[user:m1][assistant:m2][system:own][user:hi]")
    #expect(try b.generate(GenerateRequest(prompt: "p")) == "[system:SYS][user:m1][assistant:m2][user:p]")
    #expect(try b.generate(GenerateRequest(prompt: "p", system: "req")) == "[system:req][user:m1][assistant:m2][user:p]")
    #expect(try b.generate(GenerateRequest(prompt: "p", raw: true)) == "p")
    let img = ChatMessage(role: "user", content: "see [img] and", images: ["a", "b"])
    #expect(try b.chat(ChatRequest(messages: [img])) == "[system:SYS][user:m1][assistant:m2][user:[img-1]see [img-0] and]")
}

@Test func requestBodiesDecode() throws {
    let body = try TemplateValue.decodeJSON(#"{"messages":[{"role":"USER","content":"hi","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":["integer","null"]}}}}}],"think":"high"}"#)
    let req = try ChatRequest(json: body)
    #expect(req.messages.first?.role == "user")
    #expect(req.messages.first?.toolCalls.first?.name == "f")
    #expect(req.tools?.first?.properties?["a"]?.type == ["integer", "null"])
    #expect(req.think == .level("high"))
    #expect(throws: RequestError.self) { try ChatRequest(json: try TemplateValue.decodeJSON(#"{"think":"huge"}"#)) }
}

@Test func chatTruncationDropsOldestMessagesButKeepsSystemAndTheLast() throws {
    let t = try PromptTemplate.parse("{{ range .Messages }}[{{ .Role }}:{{ .Content }}]{{ end }}")
    let b = PromptBuilder(template: t, system: "S")
    let req = ChatRequest(messages: msgs("U:aaaa A:bbbb U:cccc A:dddd U:last"))
    let chars = ContextFit(contextLength: 40) { $0.count }   // one "token" per character
    #expect(try b.chat(req, fit: chars) == "[system:S][assistant:dddd][user:last]")
    #expect(try b.chat(req, fit: ContextFit(contextLength: 1000) { $0.count }) == b.chat(req))
    // Nothing fits: the last message alone (with the system prompt) is rendered.
    #expect(try b.chat(req, fit: ContextFit(contextLength: 1) { $0.count }) == "[system:S][user:last]")
}
