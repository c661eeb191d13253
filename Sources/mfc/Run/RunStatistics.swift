import Foundation
import Runtime
import Server

/// The `--verbose` block Ollama prints after an answer.
enum RunStatistics {
    static func text(_ s: GenerationStats, loadDuration: Duration?) -> String {
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        func format(_ d: Duration) -> String {
            let s = seconds(d)
            return s >= 1 ? String(format: "%.3fs", s) : String(format: "%.3fms", s * 1000)
        }
        func rate(_ n: Int, _ d: Duration) -> String {
            let s = seconds(d)
            return s > 0 ? String(format: "%.2f tokens/s", Double(n) / s) : "-"
        }
        var out = ""
        if let loadDuration { out += "load duration:        \(format(loadDuration))\n" }
        out += """
        prompt eval count:    \(s.promptEvaluated) token(s) (\(s.promptTokens) in prompt)
        prompt eval duration: \(format(s.promptDuration))
        prompt eval rate:     \(rate(s.promptEvaluated, s.promptDuration))
        eval count:           \(s.generatedTokens) token(s)
        eval duration:        \(format(s.generationDuration))
        eval rate:            \(rate(s.generatedTokens, s.generationDuration))
        done reason:          \(s.doneReason.rawValue)

        """
        if s.grammarDuration > .zero {
            out += "grammar duration:     \(format(s.grammarDuration)) (\(s.grammarWalks) vocabulary walk(s))\n"
        }
        return out
    }
}
