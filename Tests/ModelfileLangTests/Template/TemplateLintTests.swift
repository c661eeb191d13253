import Testing
@testable import ModelfileLang

/// Diagnostics a TEMPLATE gets through `Modelfile.check`, with positions in the Modelfile.
private func templateDiagnostics(_ text: String) -> [(code: String, line: Int, column: Int, message: String)] {
    let (file, syntax) = Modelfile.parse(source: text, path: "Modelfile")
    let options = CheckOptions(directory: "/work/m", fileSystem: fakeFileSystem([:]), templateFieldReader: TemplateFields.defaultReader)
    return (syntax + file.check(options: options)).sortedByPosition().map { d in
        let (line, column) = lineColumn(text, d.range.start)
        return (d.code.description, line, column, d.message)
    }
}

private func lineColumn(_ text: String, _ offset: Int) -> (Int, Int) {
    let b = Array(text.utf8).prefix(offset)
    let line = b.filter { $0 == 0x0A }.count + 1
    let col = offset - (b.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
    return (line, col)
}

@Test func templateSyntaxErrorPointsAtTheTemplateLine() {
    let d = templateDiagnostics("FROM x\nTEMPLATE \"\"\"{{ if .Prompt }}\nhi\n{{ .Prompt \"\"\"\n")
    #expect(d.map(\.code) == ["MF3001"])
    #expect(d.first?.line == 4)
    #expect(d.first?.message == "TEMPLATE does not parse: unclosed action")
}

@Test func undefinedFunctionAndUnknownFields() {
    let d = templateDiagnostics("FROM x\nTEMPLATE \"{{ promt .Prompt }}\"\n")
    #expect(d.map(\.code) == ["MF3003"])
    let f = templateDiagnostics("FROM x\nTEMPLATE \"{{ .Promt }}{{ range .Messages }}{{ .Role }}{{ .Nope }}{{ end }}{{ .Messages.Role }}\"\n")
    #expect(f.map(\.code) == ["MF3002", "MF3002", "MF3002"])
    #expect(f.first?.message == "'Promt' is not a field of Ollama's template data (did you mean '.Prompt'?)")
    #expect(f.first?.column == 14)
    #expect(f.last?.message.hasPrefix("can't evaluate field Role in type []*template.templateMessage") == true)
}

@Test func promptInMessagesModeIsFlaggedUnlessSuffixIsRead() {
    #expect(templateDiagnostics("FROM x\nTEMPLATE \"{{ range .Messages }}{{ .Content }}{{ end }}{{ .Prompt }}\"\n").map(\.code) == ["MF3002"])
    #expect(templateDiagnostics("FROM x\nTEMPLATE \"{{ if .Suffix }}{{ .Prompt }}{{ .Suffix }}{{ else }}{{ range .Messages }}{{ .Content }}{{ end }}{{ end }}\"\n").isEmpty)
}

@Test func systemAndInputRulesUseTheEngine() {
    #expect(templateDiagnostics("FROM x\nSYSTEM hi\nTEMPLATE \"{{ .Prompt }}\"\n").map(\.code) == ["MF2001"])
    #expect(templateDiagnostics("FROM x\nSYSTEM hi\nTEMPLATE \"{{ .System }}\"\n").map(\.code) == ["MF2002"])
    #expect(templateDiagnostics("FROM x\nSYSTEM hi\nTEMPLATE \"{{ range .Messages }}{{ $.System }}{{ .Content }}{{ end }}\"\n").isEmpty)
    #expect(TemplateFields.topLevelFields("{{ with .Tools }}{{ .Prompt }}{{ end }}{{ $.System }}") == ["Tools", "System"])
    #expect(TemplateFields.topLevelFields("{{ if }}") == nil)
}

@Test func responseInsideIfElseIsAnError() {
    #expect(templateDiagnostics("FROM x\nTEMPLATE \"{{ .Prompt }}{{ if .Response }}{{ .Response }}{{ else }}-{{ end }}\"\n").map(\.code) == ["MF3004"])
}
