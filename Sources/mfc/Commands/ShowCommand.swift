import Builder
import Runtime

enum ShowCommand: MFCCommand {
    static let info = CommandInfo(
        name: "show", abstract: "Show a model's facts, parameters, template, system, license and messages.",
        usage: "NAME [--modelfile | --template | --system | --parameters | --license] [--store DIR]",
        discussion: "--modelfile prints a Modelfile that rebuilds to the same manifest digest.",
        options: [
            OptionSpec(["--modelfile"], help: "Print the model as a Modelfile."),
            OptionSpec(["--template"], help: "Print only the template."),
            OptionSpec(["--system"], help: "Print only the system message."),
            OptionSpec(["--parameters"], help: "Print only the parameters."),
            OptionSpec(["--license"], help: "Print only the license(s)."),
            StoreAccess.option,
        ],
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        let selected = ["--modelfile", "--template", "--system", "--parameters", "--license"].filter(args.flag)
        guard selected.count <= 1 else { throw UsageError("choose one of \(selected.joined(separator: ", "))") }
        let model = try store.resolve(try StoreAccess.name(args.positionals[0]))
        switch selected.first {
        case "--modelfile": console.stdout.write(ModelfilePrinter.modelfile(for: model, store: store))
        case "--template": console.stdout.write((model.template ?? "") + "\n")
        case "--system": console.stdout.write((model.system ?? "") + "\n")
        case "--parameters": console.stdout.write(parameterLines(model, indent: ""))
        case "--license": console.stdout.write(model.licenses.joined(separator: "\n\n") + "\n")
        default: console.stdout.write(try summary(model, store: store))
        }
        return ExitStatus.success
    }

    static func parameterLines(_ model: ResolvedModel, indent: String) -> String {
        var s = ""
        let parameters = model.parameters.sorted
        let width = (parameters.map(\.name.count).max() ?? 0) + 4
        for (k, v) in parameters {
            let values: [String]
            if case .strings(let list) = v { values = list.map { "\"\($0)\"" } } else { values = [v.description] }
            for value in values { s += indent + k.padding(toLength: width, withPad: " ", startingAt: 0) + value + "\n" }
        }
        return s
    }

    static func summary(_ model: ResolvedModel, store: ModelStore) throws -> String {
        let facts = try store.modelInfo(of: model)
        var s = "  Model\n"
        let rows: [(String, String)] = [
            ("architecture", facts.architecture), ("parameters", ModelConfig.humanNumber(facts.parameterCount)),
            ("quantization", facts.fileType), ("context length", String(facts.contextLength)),
            ("embedding length", String(facts.embeddingLength)),
        ]
        for (k, v) in rows { s += "    " + k.padding(toLength: 20, withPad: " ", startingAt: 0) + v + "\n" }
        // Quantization of each tensor group, and the adapters.
        if let gguf = try? GGUFFile(path: model.modelPath), !gguf.tensors.isEmpty {
            s += "\n  Tensors\n" + TensorTypeSummary.lines(gguf).map { "    " + $0 + "\n" }.joined()
        }
        let adapters = model.adapterPaths.compactMap { try? GGUFFile(path: $0) }
        if !adapters.isEmpty { s += "\n  Adapters\n" + adapters.map { "    " + TensorTypeSummary.adapterLine($0) + "\n" }.joined() }
        if !model.parameters.isEmpty { s += "\n  Parameters\n" + parameterLines(model, indent: "    ") }
        func block(_ title: String, _ text: String) { s += "\n  \(title)\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n" }
        if let t = model.template { block("Template", t) }
        if let sys = model.system { block("System", sys) }
        for l in model.licenses { block("License", l) }
        if !model.messages.isEmpty { block("Messages", model.messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")) }
        return s
    }
}
