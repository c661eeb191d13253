import Builder
import Foundation
import ModelfileLang
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

/// What the chat shows about the loaded model (`/show info|modelfile|license`).
struct ChatModelCard {
    /// The model as the user named it (a built model's name or a file path); `/save` builds FROM it.
    var reference: String
    var info: [(String, String)]
    var modelfile: String
    var licenses: [String] = []
}

/// What the chat can do beyond the loaded session: load another model, save the conversation as one.
struct ChatActions {
    /// Loads MODEL (`/load MODEL`).
    var load: (String) throws -> (ChatSession, ChatModelCard) = { _ in throw ChatActionError("/load is not available here") }
    /// Builds a model called NAME from a Modelfile's text (`/save NAME`).
    var save: (_ name: String, _ modelfile: String) throws -> Void = { _, _ in throw ChatActionError("/save is not available here") }
}

struct ChatActionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The interactive side of `mfc run`: reads lines, handles slash commands and `"""` blocks,
/// and streams answers. Commands and their wording follow Ollama's REPL.
final class ChatLoop {
    private(set) var session: ChatSession
    private(set) var card: ChatModelCard
    let actions: ChatActions
    let write: (String) -> Void
    let readLine: (_ prompt: String) -> LineInput
    /// Polled while answering; true stops the answer (Ctrl-C), then it is reset.
    let interrupted: () -> Bool
    private(set) var verbose: Bool
    /// `/set nohistory`: typed lines are not kept for recall.
    private(set) var keepsLineHistory = true
    /// Parameters set with `/set parameter`, in order, for `/save`.
    private(set) var setParameters: [(name: String, value: String)] = []

    init(session: ChatSession, card: ChatModelCard, actions: ChatActions = ChatActions(), write: @escaping (String) -> Void,
         readLine: @escaping (_ prompt: String) -> LineInput, interrupted: @escaping () -> Bool, verbose: Bool) {
        self.session = session
        self.card = card
        self.actions = actions
        self.write = write
        self.readLine = readLine
        self.interrupted = interrupted
        self.verbose = verbose
    }

    static let help = """
    Available Commands:
      /set            Set session variables
      /show           Show model information
      /load <model>   Load a session or model
      /save <model>   Save your current session
      /clear          Clear session context
      /bye            Exit
      /?, /help       Help for a command
      /? shortcuts    Help for keyboard shortcuts

    Use \"\"\" to begin a multi-line message.

    """

    static let setHelp = """
    Available Commands:
      /set parameter ...     Set a parameter
      /set system <string>   Set system message
      /set history           Enable history
      /set nohistory         Disable history
      /set think             Enable thinking
      /set nothink           Disable thinking
      /set format json       Enable JSON mode
      /set noformat          Disable formatting
      /set verbose           Show LLM stats
      /set quiet             Disable LLM stats

    """

    static let showHelp = """
    Available Commands:
      /show info         Show details for this model
      /show license      Show model license
      /show modelfile    Show Modelfile for this model
      /show parameters   Show parameters for this model
      /show system       Show system message
      /show template     Show prompt template

    """

    static let shortcutsHelp = """
    Available keyboard shortcuts:
      Ctrl + c    Stop the answer being written
      Ctrl + d    Exit (on an empty line)

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
            let display = ThinkingDisplay(write: write)
            let stats = try session.respond(to: text, shouldStop: interrupted, emit: display.answer, thinking: display.reasoning)
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
            switch words.count > 1 ? words[1] : "" {
            case "set", "/set": write(Self.setHelp)
            case "show", "/show": write(Self.showHelp)
            case "shortcuts", "shortcut": write(Self.shortcutsHelp)
            default: write(Self.help)
            }
        case "/set":
            set(Array(words.dropFirst()), text: text)
        case "/show":
            show(words.count > 1 ? words[1] : "")
        case "/load":
            guard words.count > 1 else { write("Usage:\n  /load <modelname>\n"); return true }
            load(words.dropFirst().joined(separator: " "))
        case "/save":
            guard words.count == 2 else { write("Usage:\n  /save <modelname>\n"); return true }
            save(words[1])
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
                setParameters.append((rest[0], rest[1]))
                write("Set parameter '\(rest[0])' to '\(rest[1])'\n")
            } catch {
                write("error: \(error)\n")
            }
        case "format":
            guard words.count > 1, words[1] == "json" else { write("Usage: /set format json\n"); return }
            session.grammar = try? OutputFormat.json.grammar()
            write("Set format to 'json' mode.\n")
        case "noformat":
            session.grammar = nil
            write("Disabled format.\n")
        case "verbose":
            verbose = true
            write("Set 'verbose' mode.\n")
        case "quiet":
            verbose = false
            write("Set 'quiet' mode.\n")
        case "history":
            keepsLineHistory = true
            write("Set 'history' mode.\n")
        case "nohistory":
            keepsLineHistory = false
            write("Set 'nohistory' mode.\n")
        case "think", "nothink":
            // Thinking is a template capability (reasoning shown between tags); Ollama refuses it for models without one.
            if words[0] == "think" && !session.canThink {
                write("error: \"\(card.reference)\" does not support thinking\n")
            } else {
                session.think = .bool(words[0] == "think")
                write(words[0] == "think" ? "Set 'think' mode.\n" : "Set 'nothink' mode.\n")
            }
        case "system":
            guard let range = text.range(of: "system") else { return }
            var system = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if system.hasPrefix("\"") && system.hasSuffix("\"") && system.count >= 2 { system = String(system.dropFirst().dropLast()) }
            session.system = system
            session.clear()
            write("Set system message.\n")
        default:
            write(Self.setHelp)
        }
    }

    func show(_ what: String) {
        switch what {
        case "info":
            let width = (card.info.map(\.0.count).max() ?? 0) + 4
            write("  Model\n" + card.info.map { "    " + $0.0 + String(repeating: " ", count: width - $0.0.count) + $0.1 + "\n" }.joined() + "\n")
        case "modelfile":
            write(card.modelfile)
        case "license":
            write(card.licenses.isEmpty ? "No license was specified for this model.\n" : card.licenses.joined(separator: "\n\n") + "\n")
        case "template":
            write(session.format.templateText + "\n")
        case "system":
            write(session.system.isEmpty ? "No system message was specified for this model.\n" : session.system + "\n")
        case "parameters":
            let rows = session.options.listing
            let width = (rows.map(\.name.count).max() ?? 0) + 4
            write("Parameters:\n" + rows.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + $0.value + "\n" }.joined())
        default:
            write(Self.showHelp)
        }
    }

    /// `/load MODEL`: the new model replaces the session; the conversation starts over.
    func load(_ reference: String) {
        write("Loading model '\(reference)'\n")
        do {
            (session, card) = try actions.load(reference)
            setParameters = []
        } catch {
            write("error: \(error)\n")
        }
    }

    /// `/save NAME`: builds NAME FROM the loaded model with this session's system message, the
    /// parameters set here and the conversation as MESSAGE lines, as Ollama's `/save` does.
    func save(_ name: String) {
        do {
            try actions.save(name, savedModelfile())
            write("Created new model '\(name)'\n")
        } catch {
            write("error: \(error)\n")
        }
    }

    /// The Modelfile `/save` builds.
    func savedModelfile() -> String {
        var lines = ["FROM " + ModelfilePrinter.quoted(card.reference)]
        if !session.system.isEmpty { lines.append("SYSTEM " + ModelfilePrinter.quoted(session.system)) }
        for (name, value) in setParameters {
            if name == "stop" {
                lines += value.split(separator: " ").map { "PARAMETER stop " + ModelfilePrinter.quoted(String($0)) }
            } else {
                lines.append("PARAMETER \(name) " + ModelfilePrinter.quoted(value))
            }
        }
        for turn in session.history + session.turns {
            lines.append("MESSAGE \(turn.role) " + ModelfilePrinter.quoted(turn.content))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RunnableModel {
    /// What the chat shows of this model, named as the user named it.
    func card(reference: String) -> ChatModelCard {
        ChatModelCard(reference: reference, info: info, modelfile: modelfile, licenses: licenses)
    }
}
