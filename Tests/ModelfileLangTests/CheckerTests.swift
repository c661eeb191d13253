import Testing
@testable import ModelfileLang

/// A file system holding only `files` (absolute paths); `/home/me` is the home directory.
func fakeFileSystem(_ files: [String: PathKind]) -> FileSystemProbe {
    FileSystemProbe(kind: { files[$0] ?? .missing }, canonical: { $0 },
                    home: { user in user == nil ? "/home/me" : user == "bob" ? "/home/bob" : nil })
}

func checkCodes(_ text: String, files: [String: PathKind] = [:],
                fields: (@Sendable (String) -> Set<String>?)? = nil) -> [String] {
    let (file, syntax) = Modelfile.parse(source: text, path: "Modelfile")
    let options = CheckOptions(directory: "/work/m", fileSystem: fakeFileSystem(files), templateFieldReader: fields)
    return (syntax + file.check(options: options)).sortedByPosition().map(\.code.description)
}

struct CheckCase: Sendable, CustomTestStringConvertible {
    let name: String, input: String, codes: [String]
    var files: [String: PathKind] = [:]
    var testDescription: String { name }

    static let all: [CheckCase] = [
        CheckCase(name: "clean", input: "FROM llama3\nPARAMETER temperature 0.7\nPARAMETER num_ctx 4096\nPARAMETER stop <|im_end|>\nPARAMETER stop </s>\n", codes: []),
        CheckCase(name: "missing from", input: "PARAMETER top_k 1\n", codes: ["MF1001"]),
        CheckCase(name: "empty file", input: "", codes: ["MF1001"]),
        CheckCase(name: "unknown parameter", input: "FROM x\nPARAMETER temprature 1\n", codes: ["MF1002"]),
        CheckCase(name: "parameter case", input: "FROM x\nPARAMETER Temperature 1\n", codes: ["MF1002"]),
        CheckCase(name: "numa is unknown", input: "FROM x\nPARAMETER numa true\n", codes: ["MF1002"]),
        CheckCase(name: "empty name", input: "FROM x\nPARAMETER  temperature 1\n", codes: ["MF1002"]),
        CheckCase(name: "bad int", input: "FROM x\nPARAMETER top_k 1.5\n", codes: ["MF1003"]),
        CheckCase(name: "int overflow", input: "FROM x\nPARAMETER seed 9223372036854775808\n", codes: ["MF1003"]),
        CheckCase(name: "int min", input: "FROM x\nPARAMETER seed -9223372036854775808\n", codes: ["MF1010"]),
        CheckCase(name: "bad float", input: "FROM x\nPARAMETER temperature warm\n", codes: ["MF1003"]),
        CheckCase(name: "float overflow", input: "FROM x\nPARAMETER temperature 1e39\n", codes: ["MF1003"]),
        CheckCase(name: "float forms", input: "FROM x\nPARAMETER temperature .5\nPARAMETER top_p 0x1p-2\nPARAMETER min_p 1e-50\nPARAMETER repeat_penalty +1.\n", codes: []),
        // Go's ParseFloat takes underscores between digits (ParseInt with base 10 does not).
        CheckCase(name: "float underscore", input: "FROM x\nPARAMETER temperature 1_0\n", codes: []),
        CheckCase(name: "int underscore", input: "FROM x\nPARAMETER top_k 1_0\n", codes: ["MF1003"]),
        CheckCase(name: "float inf cannot be stored", input: "FROM x\nPARAMETER temperature inf\n", codes: ["MF1003"]),
        CheckCase(name: "float trailing underscore", input: "FROM x\nPARAMETER temperature 1_\n", codes: ["MF1003"]),
        CheckCase(name: "bad bool", input: "FROM x\nPARAMETER use_mmap yes\n", codes: ["MF1003"]),
        CheckCase(name: "good bool", input: "FROM x\nPARAMETER use_mmap TRUE\n", codes: []),
        CheckCase(name: "out of range", input: "FROM x\nPARAMETER top_p 1.5\nPARAMETER temperature -1\n", codes: ["MF1004", "MF1004"]),
        CheckCase(name: "deprecated", input: "FROM x\nPARAMETER mirostat 2\n", codes: ["MF1005"]),
        CheckCase(name: "requires ok", input: "FROM x\nREQUIRES 0.14\n", codes: []),
        CheckCase(name: "requires v", input: "FROM x\nREQUIRES v1.0.0-rc1+build.5\n", codes: []),
        CheckCase(name: "requires bad", input: "FROM x\nREQUIRES 0.14-rc1\n", codes: ["MF1006"]),
        CheckCase(name: "requires leading zero", input: "FROM x\nREQUIRES 01.2.3\n", codes: ["MF1006"]),
        CheckCase(name: "adapter missing", input: "FROM x\nADAPTER ./lora.gguf\n", codes: ["MF1007"]),
        CheckCase(name: "adapter present", input: "FROM x\nADAPTER ./lora.gguf\n", codes: [], files: ["/work/m/lora.gguf": .file]),
        CheckCase(name: "adapter home", input: "FROM x\nADAPTER ~/lora.gguf\nDRAFT ~bob/d.gguf\n", codes: [],
                  files: ["/home/me/lora.gguf": .file, "/home/bob/d.gguf": .file]),
        CheckCase(name: "adapter unknown user", input: "FROM x\nADAPTER ~zed/lora.gguf\n", codes: ["MF1007"]),
        CheckCase(name: "from unknown user", input: "FROM ~zed/m.gguf\n", codes: ["MF1007"]),
        CheckCase(name: "from path missing", input: "FROM ./model.gguf\n", codes: ["MF1008"]),
        CheckCase(name: "from name is not a path", input: "FROM llama3.2:1b\n", codes: []),
        CheckCase(name: "from path present", input: "FROM ../models/m.gguf\n", codes: [], files: ["/work/models/m.gguf": .file]),
        CheckCase(name: "repeated template", input: "FROM x\nTEMPLATE a\nSYSTEM s\nTEMPLATE b\n", codes: ["MF1009"]),
        CheckCase(name: "repeated parameter", input: "FROM x\nPARAMETER top_k 1\nPARAMETER top_k 2\n", codes: ["MF1009"]),
        CheckCase(name: "stop accumulates", input: "FROM x\nPARAMETER stop a\nPARAMETER stop b\n", codes: []),
        CheckCase(name: "license and message accumulate", input: "FROM x\nLICENSE a\nLICENSE b\nMESSAGE user a\nMESSAGE user b\n", codes: []),
        CheckCase(name: "two model names", input: "FROM a\nFROM b\n", codes: ["MF1009"]),
        CheckCase(name: "two files", input: "FROM ./a.gguf\nFROM ./b.gguf\n", codes: [],
                  files: ["/work/m/a.gguf": .file, "/work/m/b.gguf": .file]),
        CheckCase(name: "big int", input: "FROM x\nPARAMETER num_ctx 1048576\n", codes: ["MF1010"]),
        CheckCase(name: "value with a lone CR", input: "FROM x\nSYSTEM \"a\rb\"\n", codes: ["MF1010"]),
        CheckCase(name: "value with a leading tab", input: "FROM x\nSYSTEM \"\tb\"\n", codes: ["MF1010"]),
        CheckCase(name: "value starting with a quote", input: "FROM x\nSYSTEM \"\"\"\"hi\"\"\"\"\n", codes: ["MF1010"]),
        CheckCase(name: "draft same as from", input: "FROM ./m.gguf\nDRAFT ./m.gguf\n", codes: ["MF1011"], files: ["/work/m/m.gguf": .file]),
        CheckCase(name: "dropped character", input: "FROM x\nSYSTEM a\u{200B}b\n", codes: ["MF2003"]),
        CheckCase(name: "empty system on base", input: "FROM x\nSYSTEM \"\"\n", codes: ["MF2004"]),
        CheckCase(name: "mixed from", input: "FROM ./a.gguf\nFROM llama3\n", codes: ["MF2005"], files: ["/work/m/a.gguf": .file]),
        CheckCase(name: "hash in value", input: "FROM llama3 # base model\n", codes: ["MF2006"]),
        CheckCase(name: "hash in system is fine", input: "FROM x\nSYSTEM use # for headings\n", codes: []),
    ]
}

@Test(arguments: CheckCase.all)
func checksLikeOllama(_ c: CheckCase) {
    #expect(checkCodes(c.input, files: c.files) == c.codes)
}

@Test func templateRulesUseTheFieldReader() {
    let reader: @Sendable (String) -> Set<String>? = { t in
        Set(["System", "Prompt", "Messages"].filter { t.contains(".\($0)") })
    }
    #expect(checkCodes("FROM x\nSYSTEM be nice\nTEMPLATE {{ .Prompt }}\n", fields: reader) == ["MF2001"])
    #expect(checkCodes("FROM x\nTEMPLATE {{ .System }}\n", fields: reader) == ["MF2002"])
    #expect(checkCodes("FROM x\nSYSTEM s\nTEMPLATE {{ .System }}{{ .Prompt }}\n", fields: reader) == [])
    // Without a reader the rules cannot know, so they stay silent.
    #expect(checkCodes("FROM x\nTEMPLATE {{ .System }}\n") == [])
}

@Test func suggestionsAndFixIts() {
    let (file, _) = Modelfile.parse(source: "FROM x\nPARAMETER temprature 1\n", path: "M")
    let d = file.check(options: CheckOptions(directory: "/", fileSystem: fakeFileSystem([:])))
    #expect(d.first?.help == "did you mean 'temperature'?")
    #expect(d.first?.fixIts == [FixIt(range: SourceRange(start: 17, end: 27), replacement: "temperature")])
}

@Test func goSyntaxEdges() {
    #expect(GoSyntax.parseInt("+5") == 5)
    #expect(GoSyntax.parseInt("1_000") == nil)
    #expect(GoSyntax.parseInt("") == nil)
    #expect(GoSyntax.parseFloat32("Inf") == .infinity)
    #expect(GoSyntax.parseFloat32("-infinity") == -.infinity)
    #expect(GoSyntax.parseFloat32("0x1.8p1") == 3)
    #expect(GoSyntax.parseFloat32("0x1.8") == nil)
    #expect(GoSyntax.parseFloat32("1e") == nil)
    #expect(GoSyntax.isValidSemver("v1"))
    #expect(!GoSyntax.isValidSemver("v1.2-pre"))
    #expect(ShowFormat.goFloat(1_000_000) == "1e+06")
    #expect(ShowFormat.goFloat(1_048_576) == "1.048576e+06")
    #expect(ShowFormat.goFloat(999_999) == "999999")
}

/// The fast `roundTrips` agrees with actually printing and re-parsing, on awkward strings.
@Test func showRoundTripMatchesReparse() {
    let seed = fuzzSeed(default: 3)
    var rng = SplitMix64(state: seed)
    let pieces = ["a", " ", "\t", "\n", "\r", "\"", "\"\"\"", "é", "x y"]
    for _ in 0..<20_000 {
        var v = ""
        for _ in 0..<Int.random(in: 0...8, using: &rng) { v += pieces.randomElement(using: &rng)! }
        #expect(ShowFormat.roundTrips(v) == (ShowFormat.reparse(v) == v), "seed \(seed): \(v.debugDescription)")
    }
}

/// Offsets in a value map to the right Modelfile line and column, past the opening quotes and
/// past characters Ollama dropped.
@Test func valueOffsetsMapToModelfilePositions() {
    let text = "FROM x\nTEMPLATE \"\"\"\n\u{200B}{{ .Bad }}\n\"\"\"\n"
    let (file, _) = Modelfile.parse(source: text, path: "M")
    let template = file.instructions[1]
    let offset = Array(template.value.utf8).firstIndex(of: UInt8(ascii: ".")) ?? -1
    #expect(offset == 4)   // "\n{{ " in the value: the ZWSP was dropped
    let start = file.sourceOffset(ofValueOffset: offset, in: template)
    #expect(file.source.location(of: start) == SourceLocation(line: 3, column: 7, offset: start))
    #expect(file.source.text(in: SourceRange(start: start, end: file.sourceOffset(ofValueOffset: offset + 4, in: template))) == ".Bad")
}

/// Names from the OpenAI API and other servers get Ollama's name as a fix-it.
@Test(arguments: [("max_tokens", "num_predict"), ("MAX_TOKENS", "num_predict"), ("stop_sequences", "stop"),
                  ("max_completion_tokens", "num_predict"), ("context_length", "num_ctx"), ("repetition_penalty", "repeat_penalty")])
func foreignParameterNamesGetOllamasName(name: String, ollama: String) {
    let text = "FROM x\nPARAMETER \(name) 1\n"
    let (file, _) = Modelfile.parse(source: text, path: "M")
    let d = file.check(options: CheckOptions(directory: "/", fileSystem: fakeFileSystem([:])))
    #expect(d.map(\.code) == [.unknownParameter])
    #expect(d.first?.help == "did you mean '\(ollama)'?")
    #expect(d.first?.fixIts == [FixIt(range: SourceRange(start: 17, end: 17 + name.utf8.count), replacement: ollama)])
    // Ollama's own names need no fix: presence_penalty and frequency_penalty are in its table.
    #expect(checkCodes("FROM x\nPARAMETER presence_penalty 0.5\nPARAMETER frequency_penalty 0.5\n") == [])
}

/// FROM a model name is checked against the store's view when one is given (MF1012).
@Test func fromAMissingModelIsAnErrorWithAStore() {
    func codes(_ text: String, store: Set<String>?) -> [String] {
        let (file, _) = Modelfile.parse(source: text, path: "M")
        var lookup: (@Sendable (String) -> Bool)? = nil
        if let store { lookup = { store.contains($0) } }
        return file.check(options: CheckOptions(directory: "/w", fileSystem: fakeFileSystem(["/w/m.gguf": .file]), modelExists: lookup))
            .map(\.code.description)
    }
    #expect(codes("FROM llama3\n", store: ["llama3"]) == [])
    #expect(codes("FROM lama3\n", store: ["llama3"]) == ["MF1012"])
    #expect(codes("FROM lama3\n", store: nil) == [])                  // no store: not checked
    #expect(codes("FROM ./m.gguf\n", store: []) == [])                // a file is not a model name
    #expect(codes("FROM ./missing.gguf\n", store: []) == ["MF1008"])  // a path: the path warning only
}
