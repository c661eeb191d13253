/// Exit statuses shared by every command.
enum ExitStatus {
    static let success: Int32 = 0
    /// The work failed (errors found, build failed, model missing, ...).
    static let failure: Int32 = 1
    /// The command line itself was wrong.
    static let usage: Int32 = 2
}

/// A subcommand of `mfc`. Each lives in `Commands/<Name>Command.swift`.
protocol MFCCommand {
    static var info: CommandInfo { get }
    /// Runs with arguments already parsed against `info`; returns the exit status.
    static func run(_ args: ParsedArguments, console: Console) throws -> Int32
}
