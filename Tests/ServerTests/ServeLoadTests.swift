import Foundation
import Testing

/// 16 concurrent streaming clients for 60 s against one model with a parallel limit of 4 and a short queue:
/// no error but the documented 503 (queue full), every stream complete, and memory flat across rounds.
@Suite(.serialized) struct ServeLoadTests {
    static func residentBytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test func sixteenStreamingClientsWithParallelFour() throws {
        let server = try ServeFixture(serveArguments: ["--parallel", "4", "--max-queue", "8"])
        // A first round creates the four instances; memory is measured from there on.
        let warm = try server.python("load.py", ["16", "4"])
        #expect(warm.status == 0, "\(warm.output)\n\(server.log.text.suffix(2000))")
        let before = Self.residentBytes(server.process.processIdentifier)
        let run = try server.python("load.py", ["16", "60"])
        #expect(run.status == 0, "\(run.output)\n\(server.log.text.suffix(2000))")
        let second = try server.python("load.py", ["16", "4"])
        #expect(second.status == 0, "\(second.output)")
        let after = Self.residentBytes(server.process.processIdentifier)
        let summary = run.output.split(separator: "\n").last.map(String.init) ?? ""
        print("load: \(summary); RSS \(before / 1_048_576) MiB -> \(after / 1_048_576) MiB")
        #expect(before > 0 && after <= before + before / 10 + 16 << 20, "RSS grew from \(before) to \(after) bytes")
        // At most `parallel` requests generate at once: the log shows the queue and 503s are plain lines.
        let busy = server.log.text.split(separator: "\n").filter { $0.contains(" 503 ") }.count
        let failures = server.log.text.split(separator: "\n").filter { $0.hasPrefix("[serve] ") && !$0.contains(" 200 ") && !$0.contains(" 503 ") }
        #expect(failures.isEmpty, "unexpected statuses: \(failures.prefix(5))")
        print("load: \(busy) requests answered 503")
        #expect(server.stop() == 0)
    }
}
