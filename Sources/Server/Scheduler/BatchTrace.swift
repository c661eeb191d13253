import Foundation
import Runtime

// A line per batch step on standard error, to see where the time of many streams goes: the idle gap
// since the previous step ended (threads sampling, HTTP, new requests binding slots), the runner's
// wait for the previous step's sequences, the forward pass, and the rows it had.

/// Writes one line per step of a `BatchRunner` when `MFC_BATCH_TRACE` is set to anything but "" or "0".
final class BatchTrace: @unchecked Sendable {
    private let origin = ContinuousClock.now
    /// End of the previous forward pass (touched by the runner's thread only).
    private var previousEnd: ContinuousClock.Instant?

    init?(environment: [String: String]) {
        guard let value = environment["MFC_BATCH_TRACE"], !value.isEmpty, value != "0" else { return nil }
    }

    /// Records a step that began gathering at `gatherStart`, started its forward pass at `forwardStart`
    /// and has just finished; `waitingFor` is how many sequences the gather expected.
    func step(gatherStart: ContinuousClock.Instant, forwardStart: ContinuousClock.Instant, steps: [SequenceStep], waitingFor: Int) {
        let end = ContinuousClock.now
        let decoding = steps.filter { $0.tokens.count == 1 }.count
        let promptTokens = steps.reduce(0) { $0 + ($1.tokens.count > 1 ? $1.tokens.count : 0) }
        func ms(_ d: Duration) -> String { String(format: "%.2f", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3) }
        let gap = previousEnd.map { ms(gatherStart - $0) } ?? "-"
        let line = "batch t=\(ms(end - origin)) gap=\(gap) gather=\(ms(forwardStart - gatherStart)) forward=\(ms(end - forwardStart))"
            + " decode=\(decoding) prompts=\(steps.count - decoding) promptTokens=\(promptTokens) expected=\(waitingFor)\n"
        previousEnd = end
        FileHandle.standardError.write(Data(line.utf8))
    }
}
