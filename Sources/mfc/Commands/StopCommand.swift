import Builder
import Foundation
import Server

/// `mfc stop MODEL`: unloads a model from a running `mfc serve`.
enum StopCommand: MFCCommand {
    static let info = CommandInfo(
        name: "stop", abstract: "Unload a model from a running server.", usage: "MODEL [--host HOST:PORT]",
        discussion: ServerClient.hostHelp,
        options: [ServerClient.hostOption],
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let client = try ServerClient(host: args.value("--host"), environment: console.environment)
        let wanted = ModelName(parsing: args.positionals[0])
        let ps = try client.request("GET", "/api/ps")
        guard ps.status == 200 else { throw ServerClient.Failure(description: ServerClient.message(ps)) }
        let loaded = (ps.json["models"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        guard let name = loaded.first(where: { ModelName(parsing: $0).matches(wanted) }) else {
            throw ServerClient.Failure(description: "couldn't find model \"\(args.positionals[0])\" to stop")
        }
        let body = JSON.object([("model", .string(name)), ("keep_alive", .int(0))]).goEncodedString
        let r = try client.request("POST", "/api/generate", body: body)
        guard r.status == 200 else { throw ServerClient.Failure(description: ServerClient.message(r)) }
        return ExitStatus.success
    }
}
