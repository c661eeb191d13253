import Builder
import Foundation

enum ListCommand: MFCCommand {
    static let info = CommandInfo(name: "list", aliases: ["ls"], abstract: "List the models in the store.", usage: "[--store DIR]",
                                  options: [StoreAccess.option], positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        var rows: [[String]] = [["NAME", "ID", "SIZE", "MODIFIED"]]
        var entries: [(name: ModelName, modified: Date)] = []
        for name in store.modelNames() {
            let attrs = try? FileManager.default.attributesOfItem(atPath: store.manifestPath(name))
            entries.append((name, (attrs?[.modificationDate] as? Date) ?? .distantPast))
        }
        // Newest first, like `ollama list`.
        for (name, modified) in entries.sorted(by: { $0.modified > $1.modified }) {
            guard let bytes = store.manifestBytes(name), let m = try? Manifest(bytes: bytes) else { continue }
            rows.append([name.displayShortest, Digest.of(bytes).shortID, humanBytes(m.totalSize), ago(modified)])
        }
        console.stdout.write(table(rows))
        return ExitStatus.success
    }

    /// Left-aligned columns separated by at least three spaces.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c] + 3, withPad: " ", startingAt: 0) }.joined()
        }.joined(separator: "\n") + "\n"
    }

    static func ago(_ date: Date) -> String {
        let s = Int(Date().timeIntervalSince(date))
        func unit(_ n: Int, _ u: String) -> String { "\(n) \(u)\(n == 1 ? "" : "s") ago" }
        if s < 60 { return s <= 1 ? "Less than a second ago" : unit(s, "second") }
        if s < 3600 { return unit(s / 60, "minute") }
        if s < 86400 { return unit(s / 3600, "hour") }
        return unit(s / 86400, "day")
    }
}
