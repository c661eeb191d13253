enum VersionCommand: MFCCommand {
    static let info = CommandInfo(name: "version", abstract: "Print the mfc version.", usage: "", positionals: 0...0)
    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        console.stdout.write("mfc \(MFC.version)\n")
        return ExitStatus.success
    }
}
