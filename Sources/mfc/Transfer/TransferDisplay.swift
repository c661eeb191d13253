import Builder
import Synchronization

/// Shows a push or pull the way Ollama does: status lines, and one progress bar per blob
/// (`pulling 1a2b3c4d5e6f... 42% ▕████      ▏ 105 MB/250 MB`) redrawn in place on a terminal;
/// elsewhere (logs, CI) one plain line per status and per finished blob.
final class TransferDisplay: TransferObserver, Sendable {
    private struct Line {
        var text: String
        var blob: (digest: Digest, verb: String, done: Int64, total: Int64, outcome: String?)?
    }
    private struct State {
        var lines: [Line] = []
        var drawn = 0
        var lastDraw: ContinuousClock.Instant?
    }
    private let output: any TextOutput
    private let terminal: Bool
    private let state = Mutex(State())

    init(output: any TextOutput) {
        self.output = output
        self.terminal = output.isTerminal
    }

    func status(_ text: String) {
        if !terminal { output.write(text + "\n"); return }
        update(force: true) { $0.lines.append(Line(text: text)) }
    }

    func begin(_ digest: Digest, total: Int64, verb: String) {
        update(force: true) { $0.lines.append(Line(text: "", blob: (digest, verb, 0, total, nil))) }
    }

    func progress(_ digest: Digest, done: Int64) {
        guard terminal else { return }
        update(force: false) { s in
            if let i = s.lines.lastIndex(where: { $0.blob?.digest == digest }) { s.lines[i].blob?.done = done }
        }
    }

    /// On a terminal the bar shows the outcome; plain output gets one line per blob.
    func finish(_ digest: Digest, outcome: String) {
        update(force: true) { s in
            if let i = s.lines.lastIndex(where: { $0.blob?.digest == digest }), let b = s.lines[i].blob {
                s.lines[i].blob?.done = b.total
                s.lines[i].blob?.outcome = outcome
            }
        }
    }

    /// Applies a change and redraws every line (at most every 100 ms unless forced).
    private func update(force: Bool, _ change: (inout State) -> Void) {
        let text: String? = state.withLock { s in
            let before = s.lines.map { $0.blob?.outcome }
            change(&s)
            guard terminal else {
                // Plain: status lines as they come, a blob's line when it ends.
                var out = ""
                for (i, line) in s.lines.enumerated() {
                    let was = i < before.count ? before[i] : nil
                    if let b = line.blob, let outcome = b.outcome, was == nil {
                        out += "\(b.verb) \(b.digest.shortID): \(humanBytes(b.total)) \(outcome)\n"
                    }
                }
                return out.isEmpty ? nil : out
            }
            let now = ContinuousClock.now
            if !force, let last = s.lastDraw, now - last < .milliseconds(100) { return nil }
            s.lastDraw = now
            var out = s.drawn > 0 ? "\u{1B}[\(s.drawn)A" : ""
            for line in s.lines { out += "\r\u{1B}[K" + TransferDisplay.render(line.text, line.blob) + "\n" }
            s.drawn = s.lines.count
            return out
        }
        if let text { output.write(text) }
    }

    private static func render(_ text: String, _ blob: (digest: Digest, verb: String, done: Int64, total: Int64, outcome: String?)?) -> String {
        guard let b = blob else { return text }
        let fraction = b.total > 0 ? min(1, Double(b.done) / Double(b.total)) : 1
        let width = 16, filled = Int(fraction * Double(width))
        let bar = "▕" + String(repeating: "█", count: filled) + String(repeating: " ", count: width - filled) + "▏"
        let percent = String(repeating: " ", count: max(0, 3 - String(Int(fraction * 100)).count)) + "\(Int(fraction * 100))%"
        let sizes = b.done >= b.total ? humanBytes(b.total) : "\(humanBytes(b.done))/\(humanBytes(b.total))"
        let note = b.outcome.map { $0 == "done" ? "" : " (\($0))" } ?? ""
        return "\(b.verb) \(b.digest.shortID)... \(percent) \(bar) \(sizes)\(note)"
    }
}
