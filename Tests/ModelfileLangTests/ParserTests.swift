import Testing
@testable import ModelfileLang

/// Commands as Ollama stores them, or the codes of the syntax errors.
func parseCommands(_ text: String) -> ([OllamaCommand], [String]) {
    let (file, diagnostics) = Modelfile.parse(source: text, path: "Modelfile")
    let errors = diagnostics.filter { $0.severity == .error }.map(\.code.description)
    return (errors.isEmpty ? file.ollamaCommands : [], errors)
}

func cmd(_ name: String, _ args: String) -> OllamaCommand { OllamaCommand(name: name, args: args) }

/// One row of Ollama's `parser_test.go`: an input and either its commands or its error codes.
struct ParseCase: Sendable, CustomTestStringConvertible {
    let name: String, input: String
    var commands: [OllamaCommand] = []
    var errors: [String] = []
    var testDescription: String { name }

    static let all: [ParseCase] = [
        // TestParseFileFile
        ParseCase(name: "file", input: """
            FROM model1
            ADAPTER adapter1
            LICENSE MIT
            PARAMETER param1 value1
            PARAMETER param2 value2
            TEMPLATE \"\"\"{{ if .System }}<|start_header_id|>system<|end_header_id|>

            {{ .System }}<|eot_id|>{{ end }}\"\"\"\u{20}\u{20}\u{20}\u{20}
            """, commands: [cmd("model", "model1"), cmd("adapter", "adapter1"), cmd("license", "MIT"),
                            cmd("param1", "value1"), cmd("param2", "value2"),
                            cmd("template", "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}")]),
        ParseCase(name: "draft", input: "FROM base\nDRAFT ./assistant\n",
                  commands: [cmd("model", "base"), cmd("draft", "./assistant")]),
        // TestParseFileTrimSpace
        ParseCase(name: "trim space", input: "FROM \"     model 1\"\nADAPTER      adapter3\nLICENSE \"MIT       \"\nPARAMETER param1        value1\nPARAMETER param2    value2\nTEMPLATE \"\"\"   {{ .System }} {{ .Prompt }}   \"\"\"",
                  commands: [cmd("model", "     model 1"), cmd("adapter", "adapter3"), cmd("license", "MIT       "),
                             cmd("param1", "value1"), cmd("param2", "value2"), cmd("template", "   {{ .System }} {{ .Prompt }}   ")]),
        // TestParseFileFrom
        ParseCase(name: "from quoted spaces", input: "FROM \"FOO  BAR  \"", commands: [cmd("model", "FOO  BAR  ")]),
        ParseCase(name: "from then parameter", input: "FROM \"FOO BAR\"\nPARAMETER param1 value1",
                  commands: [cmd("model", "FOO BAR"), cmd("param1", "value1")]),
        ParseCase(name: "from trims", input: "FROM     FOOO BAR    ", commands: [cmd("model", "FOOO BAR")]),
        ParseCase(name: "from path with space", input: "FROM /what/is/the path ", commands: [cmd("model", "/what/is/the path")]),
        ParseCase(name: "from name", input: "FROM foo", commands: [cmd("model", "foo")]),
        ParseCase(name: "from path", input: "FROM /path/to/model", commands: [cmd("model", "/path/to/model")]),
        ParseCase(name: "from bin", input: "FROM /path/to/model/fp16.bin", commands: [cmd("model", "/path/to/model/fp16.bin")]),
        ParseCase(name: "from tag", input: "FROM llama3:latest", commands: [cmd("model", "llama3:latest")]),
        ParseCase(name: "from long tag", input: "FROM llama3:7b-instruct-q4_K_M", commands: [cmd("model", "llama3:7b-instruct-q4_K_M")]),
        ParseCase(name: "parameter before from", input: "PARAMETER param1 value1\nFROM foo",
                  commands: [cmd("param1", "value1"), cmd("model", "foo")]),
        ParseCase(name: "parameter value with spaces", input: "PARAMETER what the \nFROM lemons make lemonade ",
                  commands: [cmd("what", "the"), cmd("model", "lemons make lemonade")]),
        // TestParseFileParametersMissingValue / BadCommand
        ParseCase(name: "parameter missing value", input: "FROM foo\nPARAMETER param1\n", errors: ["MF0005"]),
        ParseCase(name: "bad command", input: "FROM foo\nBADCOMMAND param1 value1\n", errors: ["MF0002"]),
        ParseCase(name: "renderer", input: "FROM foo\nRENDERER renderer1", commands: [cmd("model", "foo"), cmd("renderer", "renderer1")]),
        ParseCase(name: "parser", input: "FROM foo\nPARSER parser1", commands: [cmd("model", "foo"), cmd("parser", "parser1")]),
        // TestParseFileMessages
        ParseCase(name: "message", input: "FROM foo\nMESSAGE system You are a file parser. Always parse things.",
                  commands: [cmd("model", "foo"), cmd("message", "system: You are a file parser. Always parse things.")]),
        ParseCase(name: "message newline", input: "FROM foo\nMESSAGE system You are a file parser. Always parse things.\n",
                  commands: [cmd("model", "foo"), cmd("message", "system: You are a file parser. Always parse things.")]),
        ParseCase(name: "messages", input: "FROM foo\nMESSAGE system You are a file parser.\nMESSAGE user Hey there!\nMESSAGE assistant Hello, I want to parse all the things!\n",
                  commands: [cmd("model", "foo"), cmd("message", "system: You are a file parser."),
                             cmd("message", "user: Hey there!"), cmd("message", "assistant: Hello, I want to parse all the things!")]),
        ParseCase(name: "message multiline", input: "FROM foo\nMESSAGE system \"\"\"\nYou are a multiline file parser. Always parse things.\n\"\"\"\n",
                  commands: [cmd("model", "foo"), cmd("message", "system: \nYou are a multiline file parser. Always parse things.\n")]),
        ParseCase(name: "message bad role", input: "FROM foo\nMESSAGE badguy I'm a bad guy!\n", errors: ["MF0007"]),
        ParseCase(name: "message no content", input: "FROM foo\nMESSAGE system\n", errors: ["MF0005"]),
        ParseCase(name: "message no content eof", input: "FROM foo\nMESSAGE system", errors: ["MF0005"]),
        ParseCase(name: "message upper role", input: "FROM foo\nMESSAGE USER hi\n", errors: ["MF0007"]),
        ParseCase(name: "message double blank", input: "FROM foo\nMESSAGE  user hi\n", errors: ["MF0007"]),
        // TestParseFileQuoted
        ParseCase(name: "quoted multiline", input: "SYSTEM \"\"\"\nThis is a\nmultiline system.\n\"\"\"\n",
                  commands: [cmd("system", "\nThis is a\nmultiline system.\n")]),
        ParseCase(name: "close on last text line", input: "SYSTEM \"\"\"\nThis is a\nmultiline system.\"\"\"\n",
                  commands: [cmd("system", "\nThis is a\nmultiline system.")]),
        ParseCase(name: "open on first text line", input: "SYSTEM \"\"\"This is a\nmultiline system.\"\"\"\n",
                  commands: [cmd("system", "This is a\nmultiline system.")]),
        ParseCase(name: "single line triple", input: "SYSTEM \"\"\"This is a multiline system.\"\"\"\n",
                  commands: [cmd("system", "This is a multiline system.")]),
        ParseCase(name: "triple closed by two", input: "SYSTEM \"\"\"This is a multiline system.\"\"\n", errors: ["MF0003"]),
        ParseCase(name: "lone quote", input: "SYSTEM \"\n", errors: ["MF0003"]),
        ParseCase(name: "inner quotes", input: "SYSTEM \"\"\"\nThis is a multiline system with \"quotes\".\n\"\"\"\n",
                  commands: [cmd("system", "\nThis is a multiline system with \"quotes\".\n")]),
        ParseCase(name: "empty triple", input: "SYSTEM \"\"\"\"\"\"\n", commands: [cmd("system", "")]),
        ParseCase(name: "empty double", input: "SYSTEM \"\"\n", commands: [cmd("system", "")]),
        ParseCase(name: "single quote inside", input: "SYSTEM \"'\"\n", commands: [cmd("system", "'")]),
        ParseCase(name: "quote soup", input: "SYSTEM \"\"\"''\"'\"\"'\"\"'\"'''''\"\"'\"\"'\"\"\"\n",
                  commands: [cmd("system", "''\"'\"\"'\"\"'\"'''''\"\"'\"\"'")]),
        ParseCase(name: "template at eof", input: "FROM foo\nTEMPLATE \"\"\"\n{{ .Prompt }}\n\"\"\"",
                  commands: [cmd("model", "foo"), cmd("template", "\n{{ .Prompt }}\n")]),
        // TestParseFileParameters (the parser does not check names)
        ParseCase(name: "stop", input: "FROM foo\nPARAMETER stop ### User:", commands: [cmd("model", "foo"), cmd("stop", "### User:")]),
        ParseCase(name: "stop trailing space", input: "FROM foo\nPARAMETER stop ### User: ", commands: [cmd("model", "foo"), cmd("stop", "### User:")]),
        ParseCase(name: "stop quoted space", input: "FROM foo\nPARAMETER stop \"### User: \"", commands: [cmd("model", "foo"), cmd("stop", "### User: ")]),
        ParseCase(name: "stop triple newline", input: "FROM foo\nPARAMETER stop \"\"\"### User:\n\"\"\"", commands: [cmd("model", "foo"), cmd("stop", "### User:\n")]),
        ParseCase(name: "stop token", input: "FROM foo\nPARAMETER stop <|endoftext|>", commands: [cmd("model", "foo"), cmd("stop", "<|endoftext|>")]),
        ParseCase(name: "numa", input: "FROM foo\nPARAMETER numa true", commands: [cmd("model", "foo"), cmd("numa", "true")]),
        // TestParseFileComments
        ParseCase(name: "comment", input: "# comment\nFROM foo", commands: [cmd("model", "foo")]),
        // spec §1, §2, §6 [verified] behaviour
        ParseCase(name: "hash in argument", input: "FROM x # y", commands: [cmd("model", "x # y")]),
        ParseCase(name: "keyword case", input: "fRoM x\nparameter top_k 1", commands: [cmd("model", "x"), cmd("top_k", "1")]),
        ParseCase(name: "lone CR ends line", input: "FROM x\rSYSTEM y\r", commands: [cmd("model", "x"), cmd("system", "y")]),
        ParseCase(name: "CRLF in quoted", input: "FROM x\r\nSYSTEM \"\"\"a\r\nb\"\"\"\r\n", commands: [cmd("model", "x"), cmd("system", "a\r\nb")]),
        ParseCase(name: "double blank empty name", input: "FROM x\nPARAMETER  temperature 1", commands: [cmd("model", "x"), cmd("", "temperature 1")]),
        ParseCase(name: "backslash literal", input: "FROM x\nSYSTEM a\\nb", commands: [cmd("model", "x"), cmd("system", "a\\nb")]),
        ParseCase(name: "double quote spans lines", input: "FROM x\nSYSTEM \"a\nb\"\n", commands: [cmd("model", "x"), cmd("system", "a\nb")]),
        ParseCase(name: "inner quote ends early", input: "FROM x\nSYSTEM \"He said \"hi\"\nand left\"\n", errors: ["MF0002"]),
        ParseCase(name: "text after quote", input: "FROM x\nSYSTEM \"a\" b\n", errors: ["MF0004"]),
        ParseCase(name: "text after quote completes later", input: "FROM x\nSYSTEM \"a\" b\nc\"\n", commands: [cmd("model", "x"), cmd("system", "a\" b\nc")]),
        ParseCase(name: "padded triple", input: "FROM x\nSYSTEM \"\"\"  padded  \"\"\"", commands: [cmd("model", "x"), cmd("system", "  padded  ")]),
        ParseCase(name: "quote then more quotes", input: "FROM x\nSYSTEM \"a\"\"\"", commands: [cmd("model", "x"), cmd("system", "a\"\"")]),
        ParseCase(name: "nbsp dropped", input: "FROM x\nSYSTEM a\u{A0}b\u{3000}c\u{200D}d", commands: [cmd("model", "x"), cmd("system", "abcd")]),
        ParseCase(name: "invisible first char of keyword", input: "\u{200B}FROM x", commands: [cmd("model", "x")]),
        ParseCase(name: "keyword then newline", input: "FROM x\nSYSTEM\n", errors: ["MF0005"]),
        ParseCase(name: "keyword at eof", input: "FROM x\nSYSTEM", errors: ["MF0005"]),
        ParseCase(name: "empty argument", input: "FROM x\nSYSTEM \n", commands: [cmd("model", "x"), cmd("system", "")]),
        ParseCase(name: "bad parameter character", input: "FROM x\nPARAMETER top-k 40\n", errors: ["MF0006"]),
        ParseCase(name: "digit parameter", input: "FROM x\nPARAMETER 1x 2\n", commands: [cmd("model", "x"), cmd("1x", "2")]),
        ParseCase(name: "tab separates", input: "FROM\tx\nPARAMETER\ttop_k\t\t5", commands: [cmd("model", "x"), cmd("top_k", "5")]),
        ParseCase(name: "colon after keyword", input: "FROM: x\n", errors: ["MF0002"]),
        ParseCase(name: "indented comment", input: "   # c\nFROM x", commands: [cmd("model", "x")]),
        ParseCase(name: "multi byte", input: "FROM x\nSYSTEM 你好👋", commands: [cmd("model", "x"), cmd("system", "你好👋")]),
        ParseCase(name: "keyword case message", input: "FROM x\nmessage user hi", commands: [cmd("model", "x"), cmd("message", "user: hi")]),
    ]
}

@Test(arguments: ParseCase.all)
func parsesLikeOllama(_ c: ParseCase) {
    let (commands, errors) = parseCommands(c.input)
    if c.errors.isEmpty {
        #expect(errors == [], "unexpected errors")
        #expect(commands == c.commands)
    } else {
        #expect(errors.first == c.errors.first, "errors: \(errors)")
    }
}

@Test func reportsEveryErrorAndRecovers() {
    let (_, errors) = parseCommands("FROM x\nTEMPLAT \"\"\"\nhello\n\"\"\"\nPARAMETER top-k 40\nMESSAGE User hi\nSYSTEM \"a\" b\nFROM y\n")
    #expect(errors == ["MF0002", "MF0006", "MF0007", "MF0004"])
}

@Test func unknownInstructionSuggests() {
    let (_, diagnostics) = Modelfile.parse(source: "FROM x\nTEMPLAT y\n", path: "M")
    #expect(diagnostics.first?.help == "did you mean 'TEMPLATE'?")
    #expect(diagnostics.first?.range == SourceRange(start: 7, end: 14))
}

@Test func keepsRangesAndComments() {
    let (file, _) = Modelfile.parse(source: "# head\n\nFROM  llama3\nPARAMETER temperature 0.7\n", path: "M")
    #expect(file.nodes.count == 4)
    guard case .comment(let c) = file.nodes[0], case .blankLine = file.nodes[1],
          case .instruction(0) = file.nodes[2], case .instruction(1) = file.nodes[3] else {
        Issue.record("wrong node kinds: \(file.nodes)")
        return
    }
    #expect(c.text == "# head")
    let from = file.instructions[0], p = file.instructions[1]
    #expect(from.valueRange == SourceRange(start: 14, end: 20))
    #expect(file.source.location(of: p.nameRange?.start ?? 0) == SourceLocation(line: 4, column: 11, offset: 31))
}

/// Each syntax error carries the message `ollama create` prints for it, with Ollama's line
/// number (CR and LF counted separately, the line break that fails counted too).
@Test(arguments: [
    ("FROM x\nBADCOMMAND param1 value1\n", "(line 2): command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\""),
    ("FROM x\r\nSYSTEM\r\n", "(line 4): command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\""),
    ("FROM x\nMESSAGE badguy hi\n", "(line 2): message role must be one of \"system\", \"user\", or \"assistant\""),
    ("FROM x\nPARAMETER top-k 1\n", "unexpected EOF: top"),
    ("FROM x\nPARAMETER param1\n", "unexpected EOF: param1"),
    ("FROM x\nMESSAGE system", "unexpected EOF"),
    ("FROM x\nSYSTEM \"\"\"abc\"\"\n", "unexpected EOF"),
])
func syntaxErrorsQuoteOllama(_ input: String, _ ollama: String) {
    let (_, diagnostics) = Modelfile.parse(source: input, path: "M")
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.notes.last?.message == "ollama create says: " + ollama)
}

/// Instruction words match as Ollama's `strings.ToLower` list does: any ASCII case, nothing else
/// (not the long s or dotless i that Swift would uppercase to S and I, not a word with a NUL).
@Test func keywordsMatchAnyASCIICaseOnly() {
    for k in Keyword.allCases {
        #expect(Keyword(word: k.rawValue) == k)
        #expect(Keyword(word: k.rawValue.lowercased()) == k)
        #expect(Keyword(word: String(k.rawValue.prefix(1)) + k.rawValue.dropFirst().lowercased()) == k)
        #expect(Keyword(word: k.rawValue + "S") == nil)
        #expect(Keyword(word: String(k.rawValue.dropLast())) == nil)
        #expect(Keyword(word: k.rawValue + "\0") == nil)
    }
    #expect("\u{017F}ystem".uppercased() == "SYSTEM" && Keyword(word: "\u{017F}ystem") == nil)
    #expect("l\u{0131}cense".uppercased() == "LICENSE" && Keyword(word: "l\u{0131}cense") == nil)
    #expect(Keyword(word: "") == nil)
    #expect(Keyword(word: "PARAMETERPARAMETER") == nil)
    #expect(Keyword(word: "FROM ") == nil)
    #expect(Keyword(word: "F@OM") == nil)
}
