import Foundation
import Testing
import TestSupport
@testable import ModelfileLang

/// One corpus case with Go's answer (tools/gotmpl wrote `expected.json`).
struct ConformanceCase: Sendable {
    var name: String
    var template: String
    var data: TemplateValue?
    var ollama: Bool
    var expectedOutput: String?
    var expectedError: String?

    /// The committed corpus, or another one (tools/fuzz-template-vs-go.sh sets MFC_CONFORMANCE_DIR).
    static let directory = ProcessInfo.processInfo.environment["MFC_CONFORMANCE_DIR"]
        ?? Golden.repositoryRoot + "/Tests/ModelfileLangTests/Template/Conformance"

    static func load() throws -> [ConformanceCase] {
        let casesText = try String(contentsOfFile: directory + "/cases.json", encoding: .utf8)
        let expectedText = try String(contentsOfFile: directory + "/expected.json", encoding: .utf8)
        guard case .list(let cases) = try TemplateValue.decodeJSON(casesText),
              case .list(let expected) = try TemplateValue.decodeJSON(expectedText) else { return [] }
        var out: [ConformanceCase] = []
        for (c, e) in zip(cases.items, expected.items) {
            guard case .map(let cm) = c, case .map(let em) = e,
                  case .string(let name)? = cm.entries["name"], case .string(let template)? = cm.entries["template"] else { continue }
            func str(_ v: TemplateValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
            out.append(ConformanceCase(name: name, template: template, data: cm.entries["data"],
                                       ollama: str(cm.entries["mode"]) == "ollama",
                                       expectedOutput: str(em.entries["output"]), expectedError: str(em.entries["error"])))
        }
        return out
    }

    /// What the Swift engine does with the case: (output or partial output, error message).
    func run() -> (output: String?, error: String?) {
        let options = ollama
            ? TemplateOptions(missingKeyZero: true, ollamaFunctions: true, fixedToday: "2024-06-15", fixedYesterday: "2024-06-14")
            : TemplateOptions.plain
        do {
            let t = try Template.parse(template, options: options)
            var partial = ""
            do {
                return (try t.render(data, partialOutput: &partial), nil)
            } catch {
                return (partial, error.message)
            }
        } catch {
            return (nil, error.message)
        }
    }
}

@Suite struct TemplateConformance {
    @Test func corpusIsLargeWithEnoughErrors() throws {
        let cases = try ConformanceCase.load()
        #expect(cases.count >= 1000)
        let errors = cases.filter { $0.expectedError != nil }.count
        #expect(errors * 10 >= cases.count)
    }

    /// Every case must match Go byte for byte: output, or error message (kind and position) plus
    /// the output Go wrote before failing.
    @Test func everyCaseMatchesGo() throws {
        let cases = try ConformanceCase.load()
        var mismatches: [String] = []
        for c in cases {
            let (output, error) = c.run()
            if error != c.expectedError || (c.expectedError == nil || output != nil) && output != c.expectedOutput {
                let go = (c.expectedError ?? c.expectedOutput ?? "").debugDescription
                let swift = (error ?? output ?? "").debugDescription
                mismatches.append("\(c.name): template \(c.template.debugDescription)\n  go:    \(go)\n  swift: \(swift)")
            }
        }
        if !mismatches.isEmpty {
            let shown = mismatches.prefix(40).joined(separator: "\n")
            Issue.record("\(mismatches.count) of \(cases.count) conformance cases differ from Go:\n\(shown)")
        }
    }
}

/// A request rendered the Ollama way (tools/gotmpl modes ollama-chat / ollama-generate).
struct OllamaConformanceCase: Sendable {
    var name: String
    var chat: Bool
    var template: String
    var system: String
    var messages: [ChatMessage]
    /// The body as JSON text's values in order (tool properties keep it, as in Ollama).
    var request: JSONValue
    var expectedOutput: String?
    var expectedError: String?

    static func load() throws -> [OllamaConformanceCase] {
        let dir = ConformanceCase.directory
        let casesText = try String(contentsOfFile: dir + "/ollama-cases.json", encoding: .utf8)
        let expectedText = try String(contentsOfFile: dir + "/ollama-expected.json", encoding: .utf8)
        guard let cases = try JSONValue.parse(casesText).arrayValue,
              let expected = try JSONValue.parse(expectedText).arrayValue else { return [] }
        var out: [OllamaConformanceCase] = []
        for (c, e) in zip(cases, expected) {
            guard let name = c["name"]?.stringValue, let model = c["model"], let request = c["request"] else { continue }
            let history = try (model["messages"]?.arrayValue ?? []).map { try ChatMessage(json: $0) }
            out.append(OllamaConformanceCase(
                name: name, chat: c["mode"]?.stringValue == "ollama-chat", template: model["template"]?.stringValue ?? "",
                system: model["system"]?.stringValue ?? "", messages: history, request: request,
                expectedOutput: e["output"]?.stringValue, expectedError: e["error"]?.stringValue))
        }
        return out
    }

    func run() -> (output: String?, error: String?) {
        let options = TemplateOptions(missingKeyZero: true, ollamaFunctions: true, fixedToday: "2024-06-15", fixedYesterday: "2024-06-14")
        do {
            let t = try PromptTemplate.parse(template, options: options)
            let b = PromptBuilder(template: t, system: system, messages: messages)
            return chat ? (try b.chat(try ChatRequest(json: request)), nil) : (try b.generate(try GenerateRequest(json: request)), nil)
        } catch let e as TemplateParseError {
            return (nil, e.message)
        } catch let e as TemplateError {
            return (nil, e.message)
        } catch {
            return (nil, "\(error)")
        }
    }
}

@Suite struct OllamaConformance {
    /// Chat-family templates over chat and generate requests: Ollama's typed data, collation,
    /// modes and message assembly must give Go's bytes (or Go's error).
    @Test func everyRequestMatchesGo() throws {
        let cases = try OllamaConformanceCase.load()
        #expect(cases.count >= 1000)
        var mismatches: [String] = []
        for c in cases {
            let (output, error) = c.run()
            if error != c.expectedError || (error == nil && output != c.expectedOutput) {
                let go = (c.expectedError ?? c.expectedOutput ?? "").debugDescription
                let swift = (error ?? output ?? "").debugDescription
                mismatches.append("\(c.name)\n  go:    \(go)\n  swift: \(swift)")
            }
        }
        if !mismatches.isEmpty {
            let shown = mismatches.prefix(20).joined(separator: "\n")
            Issue.record("\(mismatches.count) of \(cases.count) Ollama-layer cases differ from Go:\n\(shown)")
        }
    }
}
