import Builder
import Foundation
import Server

/// `mfc ps`: the models a running `mfc serve` has loaded.
enum PsCommand: MFCCommand {
    static let info = CommandInfo(
        name: "ps", abstract: "List the models a running server has loaded.", usage: "[--host HOST:PORT]",
        discussion: ServerClient.hostHelp,
        options: [ServerClient.hostOption],
        positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let client = try ServerClient(host: args.value("--host"), environment: console.environment)
        let r = try client.request("GET", "/api/ps")
        guard r.status == 200 else { throw ServerClient.Failure(description: ServerClient.message(r)) }
        var rows = [["NAME", "ID", "SIZE", "PROCESSOR", "CONTEXT", "UNTIL"]]
        for m in r.json["models"]?.arrayValue ?? [] {
            let digest = m["digest"]?.stringValue ?? ""
            let until = m["expires_at"]?.stringValue.flatMap(parseTime).map(untilText) ?? ""
            rows.append([m["name"]?.stringValue ?? "", String(digest.prefix(12)), humanBytes(Int64(m["size"]?.intValue ?? 0)),
                         "100% CPU", String(m["context_length"]?.intValue ?? 0), until])
        }
        console.stdout.write(ListCommand.table(rows))
        return ExitStatus.success
    }

    static func parseTime(_ text: String) -> Date? {
        // RFC 3339 with fractional seconds: drop the fraction, which ISO8601DateFormatter handles poorly.
        var t = text
        if let dot = t.firstIndex(of: "."), let end = t[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            t.removeSubrange(dot..<end)
        }
        return ISO8601DateFormatter().date(from: t)
    }

    /// Ollama's UNTIL column: "Forever", "Stopping...", or "4 minutes from now".
    static func untilText(_ date: Date) -> String {
        let s = Int(date.timeIntervalSinceNow.rounded())
        if s > 50 * 365 * 86400 { return "Forever" }
        if s <= 0 { return "Stopping..." }
        func unit(_ n: Int, _ u: String) -> String { "\(n) \(u)\(n == 1 ? "" : "s") from now" }
        if s < 60 { return s <= 1 ? "Less than a second from now" : unit(s, "second") }
        if s < 3600 { return unit(s / 60, "minute") }
        if s < 86400 { return unit(s / 3600, "hour") }
        return unit(s / 86400, "day")
    }
}
