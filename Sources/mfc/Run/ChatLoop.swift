import Foundation
import Runtime
import Server

/// What the interactive prompt read.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C at the prompt.
    case interrupted
    /// Ctrl-D or the end of input.
    case end
}

/// The interactive side of `mfc run`: reads lines, handles slash commands and `"""` blocks,
/// and streams answers.
struct ChatLoop {
    let session: ChatSession
    let info: [(String, String)]
    let write: (String) -> Void
    let readLine: (_ prompt: String) -> LineInput
    /// Polled while answering; true stops the answer (Ctrl-C), then it is reset.
    let interrupted: () -> Bool
    let verbose: Bool

    static let help = """
    Available Commands:
      /set parameter NAME VALUE   Set a runtime parameter (temperature, top_k, stop, num_ctx, ...)
      /set system TEXT            Set the system message
      /set format json            Answer with one JSON object (/set noformat to stop)
      /show info                  Show details for this model
      /show template              Show the prompt template
      /show system                Show the system message
      /show parameters            Show the runtime parameters
      /clear                      Clear the conversation
      /bye                        Exit
      /?, /help                   Help for a command

    Use \"\"\" to begin and end a multi-line message.

    """

    func run() {
        while true {
            switch readLine(">>> ") {
            case .end:
                write("\n")
                return
            case .interrupted:
                write("\nUse Ctrl + d or /bye to exit.\n")
            case .line(let line):
                guard let text = readMessage(startingWith: line) else { continue }
                if text.hasPrefix("/") {
                    if !command(text) { return }
                    continue
                }
                if text.allSatisfy(\.isWhitespace) { continue }
                answer(text)
            }
        }
    }

    /// A whole message: the line itself, or a `"""` block up to the line that ends with `"""`.
    func readMessage(startingWith line: String) -> String? {
        guard line.hasPrefix("\"\"\"") else { return line }
        var text = String(line.dropFirst(3))
        if text.hasSuffix("\"\"\"") { return String(text.dropLast(3)) }
        while true {
            switch readLine("... ") {
            case .line(let more):
                if more.hasSuffix("\"\"\"") { return text + "\n" + more.dropLast(3) }
                text += "\n" + more
            case .interrupted, .end:
                write("\n")
                return nil
            }
        }
    }

    func answer(_ text: String) {
        do {
            let stats = try session.respond(to: text, shouldStop: interrupted, emit: write)
            write(stats.doneReason == .cancelled ? "\n^C\n\n" : "\n\n")
            if verbose { write(RunStatistics.text(stats, loadDuration: nil)) }
        } catch {
            write("\nerror: \(error)\n\n")
        }
    }

    /// Handles a slash command; false means leave the chat.
    func command(_ text: String) -> Bool {
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        switch words.first {
        case "/bye", "/exit":
            return false
        case "/clear":
            session.clear()
            write("Cleared session context\n")
        case "/?", "/help":
            write(Self.help)
        case "/set":
            set(Array(words.dropFirst()), text: text)
        case "/show":
            show(words.count > 1 ? words[1] : "")
        default:
            write("Unknown command '\(words.first ?? text)'. Type /? for help\n")
        }
        return true
    }

    func set(_ words: [String], text: String) {
        switch words.first {
        case "parameter":
            let rest = words.count > 1 ? words[1].split(separator: " ", maxSplits: 1).map(String.init) : []
            guard rest.count == 2 else { write("Usage: /set parameter NAME VALUE\n"); return }
            do {
                if rest[0] == "stop" {
                    // Ollama: every following word is one stop string, replacing the list.
                    session.options.stop = rest[1].split(separator: " ").map(String.init)
                } else {
                    try session.options.set(rest[0], to: rest[1])
                }
                write("Set parameter '\(rest[0])' to '\(rest[1])'\n")
            } catch {
                write("error: \(error)\n")
            }
        case "format":
            guard words.count > 1, words[1] == "json" else { write("Usage: /set format json\n"); return }
            session.json = true
            write("Set format to 'json' mode.\n")
        case "noformat":
            session.json = false
            write("Disabled format.\n")
        case "system":
            guard let range = text.range(of: "system") else { return }
            var system = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if system.hasPrefix("\"") && system.hasSuffix("\"") && system.count >= 2 { system = String(system.dropFirst().dropLast()) }
            session.system = system
            session.clear()
            write("Set system message.\n")
        default:
            write("Usage: /set parameter NAME VALUE | /set system TEXT | /set format json | /set noformat\n")
        }
    }

    func show(_ what: String) {
        switch what {
        case "info":
            let width = (info.map(\.0.count).max() ?? 0) + 4
            write("  Model\n" + info.map { "    " + $0.0 + String(repeating: " ", count: width - $0.0.count) + $0.1 + "\n" }.joined() + "\n")
        case "template":
            write(session.format.templateText + "\n")
        case "system":
            write(session.system.isEmpty ? "No system message was specified for this model.\n" : session.system + "\n")
        case "parameters":
            let rows = session.options.listing
            let width = (rows.map(\.name.count).max() ?? 0) + 4
            write("Parameters:\n" + rows.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + $0.value + "\n" }.joined())
        default:
            write("Usage: /show info|template|system|parameters\n")
        }
    }
}
