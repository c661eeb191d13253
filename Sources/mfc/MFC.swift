import Foundation

/// The `mfc` entry point, callable in-process by tests.
enum MFC {
    static let version = "0.1.0"

    /// Every subcommand, in the order `mfc --help` lists them.
    static var commands: [any MFCCommand.Type] { [
        VersionCommand.self,
        LintCommand.self,
        ParseCommand.self,
        BuildCommand.self,
        CreateCommand.self,
        ListCommand.self,
        ShowCommand.self,
        RmCommand.self,
        CpCommand.self,
        VerifyCommand.self,
        PruneCommand.self,
        TokenizeCommand.self,
        FmtCommand.self,
        TemplateCommand.self,
        QuantizeCommand.self,
        BenchCommand.self,
        RunCommand.self,
        PushCommand.self,
        PullCommand.self,
        ExportCommand.self,
        ImportCommand.self,
        ServeCommand.self,
        PsCommand.self,
        StopCommand.self,
    ] }

    static func main(arguments: [String], console: Console) -> Int32 {
        guard let first = arguments.first else {
            console.stderr.write(overview)
            return ExitStatus.usage
        }
        switch first {
        case "-h", "--help":
            console.stdout.write(overview)
            return ExitStatus.success
        case "--version", "-v":
            console.stdout.write("mfc \(version)\n")
            return ExitStatus.success
        case "help":
            guard arguments.count > 1 else { console.stdout.write(overview); return ExitStatus.success }
            guard let command = command(named: arguments[1]) else {
                return usageError(UsageError("unknown command '\(arguments[1])'"), console: console, command: nil)
            }
            console.stdout.write(command.info.helpText)
            return ExitStatus.success
        default:
            break
        }
        guard let command = command(named: first) else {
            return usageError(UsageError("unknown command '\(first)'"), console: console, command: nil)
        }
        do {
            let parsed = try ParsedArguments.parse(Array(arguments.dropFirst()), for: command.info)
            if parsed.helpRequested {
                console.stdout.write(command.info.helpText)
                return ExitStatus.success
            }
            return try command.run(parsed, console: console)
        } catch let error as UsageError {
            return usageError(error, console: console, command: command.info.name)
        } catch {
            console.stderr.write("mfc \(command.info.name): error: \(error)\n")
            return ExitStatus.failure
        }
    }

    /// The command called `name`, by its name or one of its aliases.
    static func command(named name: String) -> (any MFCCommand.Type)? {
        commands.first { $0.info.name == name || $0.info.aliases.contains(name) }
    }

    static func usageError(_ error: UsageError, console: Console, command: String?) -> Int32 {
        let help = command.map { "mfc \($0) --help" } ?? "mfc --help"
        console.stderr.write("mfc: error: \(error.message)\nSee '\(help)'.\n")
        return ExitStatus.usage
    }

    static var overview: String {
        var s = """
        mfc: a compiler and build system for Ollama Modelfiles

        USAGE: mfc <command> [options]

        COMMANDS:

        """
        let width = (commands.map { $0.info.name.count }.max() ?? 0) + 2
        for c in commands {
            s += "  " + c.info.name + String(repeating: " ", count: width - c.info.name.count) + c.info.abstract + "\n"
        }
        s += "\nSee 'mfc help <command>' or 'mfc <command> --help' for details.\n"
        return s
    }
}
