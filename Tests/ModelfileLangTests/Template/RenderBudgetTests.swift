import Testing
@testable import ModelfileLang

/// Runaway templates stop with an error naming the budget they spent, on every rendering path.
struct RunawayCase: Sendable, CustomTestStringConvertible {
    let name: String, template: String, data: String, budget: String
    var testDescription: String { name }

    static let all: [RunawayCase] = [
        RunawayCase(name: "range over a huge integer", template: "{{range 1000000000}}x{{end}}", data: "{}", budget: "step budget"),
        RunawayCase(name: "range with an empty body", template: "{{range 1000000000}}{{end}}", data: "{}", budget: "step budget"),
        RunawayCase(name: "defines called exponentially",
                    template: (0..<40).map { "{{define \"t\($0)\"}}{{template \"t\($0 + 1)\" .}}{{template \"t\($0 + 1)\" .}}{{end}}" }.joined()
                        + "{{define \"t40\"}}{{end}}{{template \"t0\" .}}",
                    data: "{}", budget: "step budget"),
        RunawayCase(name: "nested ranges over data", template: "{{range .l}}{{range $.l}}{{range $.l}}{{range $.l}}ab{{end}}{{end}}{{end}}{{end}}",
                    data: "{\"l\":[" + Array(repeating: "0", count: 200).joined(separator: ",") + "]}", budget: "step budget"),
        RunawayCase(name: "a string doubled in a loop", template: "{{$s := \"ab\"}}{{range 64}}{{$s = print $s $s}}{{end}}{{len $s}}",
                    data: "{}", budget: "output budget"),
        RunawayCase(name: "wide printf in a loop", template: "{{range 100000}}{{printf \"%999999d\" 1}}{{end}}", data: "{}", budget: "output budget"),
    ]
}

/// A small budget keeps the test fast; the engine enforces it the same way as the default.
@Test(arguments: RunawayCase.all)
func runawayTemplatesStopWithAClearError(_ c: RunawayCase) throws {
    var options = TemplateOptions.ollama
    options.limits = TemplateLimits(maxOutputBytes: 1 << 20, maxSteps: 200_000)
    let t = try Template.parse(c.template, options: options)
    let error = try #require(throws: TemplateExecError.self) { try t.render(try TemplateValue.decodeJSON(c.data)) }
    #expect(error.message.contains("rendering stopped") && error.message.contains(c.budget), "\(error.message)")
}

/// The cases from the bug report, with the default budget every rendering path gets.
@Test func defaultBudgetStopsTheReportedRunaways() throws {
    for c in RunawayCase.all where c.name == "range over a huge integer" || c.name == "defines called exponentially" {
        let t = try Template.parse(c.template)
        let error = try #require(throws: TemplateExecError.self) { try t.render(try TemplateValue.decodeJSON(c.data)) }
        #expect(error.message.hasSuffix("rendering stopped: the template ran more than 10000000 steps (the step budget)"), "\(error.message)")
    }
}

/// The default budget is far above a long real conversation with tools.
@Test func defaultBudgetFitsALongChat() throws {
    let messages = (0..<5000).map { i in
        ChatMessage(role: i % 2 == 0 ? "user" : "assistant", content: String(repeating: "word ", count: 200))
    }
    let template = try Template.parse("""
        {{- range $i, $m := .Messages }}<|im_start|>{{ $m.Role }}
        {{ $m.Content }}{{ if $m.ToolCalls }}{{ range $m.ToolCalls }}{{ json .Function.Arguments }}{{ end }}{{ end }}<|im_end|>
        {{ end }}<|im_start|>assistant
        """)
    let data = TemplateValue.object(["Messages": OllamaValues.messages(messages)])
    let text = try template.render(data)
    #expect(text.utf8.count > 5_000_000)
}
