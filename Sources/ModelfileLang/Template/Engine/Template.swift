/// The budget of one rendering, so a template (or data) that would run away stops with an error
/// instead of exhausting memory or time. Go has no such limit; Ollama would run until killed.
/// The defaults are far above what any real chat template needs (docs/template.md).
public struct TemplateLimits: Sendable, Hashable {
    /// Bytes written, plus bytes of the strings functions build (`printf`, `print`, `json`, ...),
    /// so a string doubled in a loop is caught before it is written.
    public var maxOutputBytes: Int
    /// Execution steps: nodes walked, loop iterations and commands evaluated.
    public var maxSteps: Int

    public init(maxOutputBytes: Int = 32 << 20, maxSteps: Int = 10_000_000) {
        self.maxOutputBytes = maxOutputBytes
        self.maxSteps = maxSteps
    }

    /// 32 MiB of output and 10 million steps.
    public static let `default` = TemplateLimits()
}

/// How a template is parsed and run.
public struct TemplateOptions: Sendable, Hashable {
    /// Go's `missingkey=zero` (Ollama's setting): a missing map key gives the zero value
    /// (a nil interface) instead of "no value".
    public var missingKeyZero: Bool
    /// Register Ollama's extra functions (json, currentDate, yesterdayDate, toTypeScriptType).
    public var ollamaFunctions: Bool
    /// The dates `currentDate` / `yesterdayDate` print (YYYY-MM-DD); nil means today, local time.
    public var fixedToday: String?
    public var fixedYesterday: String?
    /// The budget every rendering of the template gets.
    public var limits: TemplateLimits

    public init(missingKeyZero: Bool = true, ollamaFunctions: Bool = true, fixedToday: String? = nil, fixedYesterday: String? = nil,
                limits: TemplateLimits = .default) {
        self.missingKeyZero = missingKeyZero
        self.ollamaFunctions = ollamaFunctions
        self.fixedToday = fixedToday
        self.fixedYesterday = fixedYesterday
        self.limits = limits
    }

    /// Ollama's configuration: `missingkey=zero` plus its functions.
    public static let ollama = TemplateOptions()
    /// Go's defaults: builtins only, missing keys print `<no value>`.
    public static let plain = TemplateOptions(missingKeyZero: false, ollamaFunctions: false)
}

/// Either kind of template error.
public enum TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    case parse(TemplateParseError)
    case exec(TemplateExecError)

    /// Go's message, e.g. `template: :1:3: executing "" at <.x>: ...`.
    public var message: String {
        switch self {
        case .parse(let e): return e.message
        case .exec(let e): return e.message
        }
    }
    public var description: String { message }
}

/// A parsed Go template (`text/template`), executable against `TemplateValue` data.
///
/// ```swift
/// let t = try Template.parse("{{ range .Messages }}{{ .Content }}{{ end }}")
/// let text = try t.render(data)
/// ```
public struct Template: Sendable {
    /// The name used in error messages (Ollama uses "").
    public let name: String
    /// The source text.
    public let text: String
    public let options: TemplateOptions
    /// Every template the text defines, by name; the top level is under `name`.
    let trees: [String: [TemplateNode]]
    private let newlineOffsets: [Int]
    /// Builtins plus (with Ollama's options) Ollama's functions, looked up once per call.
    private let functions: [String: TemplateFunction]

    init(name: String, text: String, options: TemplateOptions, trees: [String: [TemplateNode]]) {
        self.name = name
        self.text = text
        self.options = options
        self.trees = trees
        var nl: [Int] = []
        for (i, b) in text.utf8.enumerated() where b == 0x0A { nl.append(i) }
        newlineOffsets = nl
        functions = options.ollamaFunctions ? Builtins.table.merging(OllamaFunctions.table) { _, ollama in ollama } : Builtins.table
    }

    /// Parses template text the way Go's `template.New(name).Parse(text)` does.
    /// - Parameters:
    ///   - text: the template source.
    ///   - name: the template name used in error messages.
    ///   - options: missing-key behaviour and which functions exist (Ollama's by default).
    /// - Returns: the parsed template.
    /// - Throws: `TemplateParseError` worded exactly as Go's.
    public static func parse(_ text: String, name: String = "", options: TemplateOptions = .ollama) throws(TemplateParseError) -> Template {
        var functions = Set(Builtins.table.keys)
        if options.ollamaFunctions { functions.formUnion(OllamaFunctions.table.keys) }
        var parser = TemplateParser(text: text, name: name, functions: functions)
        try parser.parse()
        return Template(name: name, text: text, options: options, trees: parser.trees)
    }

    /// Executes the template against data.
    /// - Parameter data: the value `.` starts as (nil for Go's `nil` data).
    /// - Returns: the rendered text.
    /// - Throws: `TemplateExecError` worded exactly as Go's; `partialOutput` gets what was written before it.
    public func render(_ data: TemplateValue?) throws(TemplateExecError) -> String {
        var partial = ""
        return try render(data, partialOutput: &partial)
    }

    /// Like `render(_:)`, also handing back the text written before an error (Go writes as it goes).
    public func render(_ data: TemplateValue?, partialOutput: inout String) throws(TemplateExecError) -> String {
        let dot: Reflected = data.map { $0 == .null ? .invalid : .plain($0) } ?? .invalid
        return try execute(root: name, dot: dot, partialOutput: &partialOutput)
    }

    func execute(root: String, dot: Reflected, partialOutput: inout String) throws(TemplateExecError) -> String {
        let ex = Executor(template: self, name: root, limits: options.limits)
        guard let tree = trees[root] else {
            throw ex.fail("\(GoQuote.quote(root)) is an incomplete or empty template")
        }
        ex.vars = [("$", dot)]
        do {
            _ = try ex.walk(dot, tree)
        } catch {
            partialOutput = Self.text(ex.output)
            throw error
        }
        return Self.text(ex.output)
    }

    /// The output as text; bytes that are not UTF-8 (a string cut inside a character) become
    /// U+FFFD one byte at a time, as Go reads them.
    static func text(_ output: [UInt8]) -> String {
        String(validating: output, as: UTF8.self) ?? GoBytes.decodingLikeGo(output)
    }

    func function(named name: String) -> TemplateFunction? { functions[name] }

    /// 1-based line and Go's column (bytes after the last newline) of a byte offset.
    func lineColumn(ofByte pos: Int) -> (Int, Int) {
        var lo = 0, hi = newlineOffsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if newlineOffsets[mid] < pos { lo = mid + 1 } else { hi = mid }
        }
        let column = lo == 0 ? pos : pos - (newlineOffsets[lo - 1] + 1)
        return (lo + 1, column)
    }
}
