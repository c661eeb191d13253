import Foundation
import Testing
import Runtime
import TestSupport
import Server
@testable import mfc
@testable import Builder

/// A stand-in model that always answers the same tokens, then end of sequence.
final class ScriptedPredictor: TokenPredictor {
    let contextLength: Int
    let vocabularySize: Int
    let answer: [Int]
    let eos: Int
    var evaluated: [[Int]] = []
    private var step = 0

    init(contextLength: Int, vocabularySize: Int, answer: [Int], eos: Int) {
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
        self.answer = answer
        self.eos = eos
    }

    func predict(_ tokens: [Int], from start: Int) throws -> [Float] {
        evaluated.append(tokens)
        if tokens.count > 1 || start == 0 { step = 0 }   // a new prompt starts the answer over
        var logits = [Float](repeating: 0, count: vocabularySize)
        logits[step < answer.count ? answer[step] : eos] = 1
        step += 1
        return logits
    }
}

struct ChatLoopTests {
    static func session(contextLength: Int = 4096, system: String = "") throws -> (ChatSession, ScriptedPredictor) {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: TestModels.smolLM2())))
        let answer = tokenizer.encode("Ahoy there!", addSpecial: false)
        let model = ScriptedPredictor(contextLength: contextLength, vocabularySize: tokenizer.vocabulary.count, answer: answer, eos: 2)
        var options = SamplingOptions()
        options.temperature = 0
        let s = ChatSession(generator: Generator(model: model, tokenizer: tokenizer), format: try ChatFormat(name: "chatml", text: ChatTemplateFamily.chatML(defaultSystem: nil, name: "chatml").template),
                            options: options, system: system)
        return (s, model)
    }

    static func run(_ lines: [String], session: ChatSession, card: ChatModelCard? = nil,
                    actions: ChatActions = ChatActions()) -> String {
        var input = lines.map(LineInput.line)
        var out = ""
        let card = card ?? ChatModelCard(reference: "pirate", info: [("architecture", "llama")], modelfile: "FROM pirate.gguf\n")
        let loop = ChatLoop(session: session, card: card, actions: actions, write: { out += $0 },
                            readLine: { _ in input.isEmpty ? .end : input.removeFirst() }, interrupted: { false }, verbose: false)
        loop.run()
        return out
    }

    @Test func answersAndKeepsHistory() throws {
        let (session, model) = try Self.session(system: "You are a pirate.")
        let out = Self.run(["Hello", "Who are you?", "/bye"], session: session)
        #expect(out == "Ahoy there!\n\nAhoy there!\n\n")
        #expect(session.turns.map(\.role) == ["user", "assistant", "user", "assistant"])
        // The second prompt re-renders the first exchange; only the new part is evaluated.
        let tokenizer = session.generator.tokenizer
        let second = tokenizer.decode(model.evaluated.first { $0.count > 1 && $0 != model.evaluated[0] } ?? [], special: true)
        #expect(second.contains("Who are you?") && !second.contains("You are a pirate."))
    }

    @Test func multiLineMessageIsOneTurn() throws {
        let (session, _) = try Self.session()
        _ = Self.run(["\"\"\"first line", "second line\"\"\""], session: session)
        #expect(session.turns.first?.content == "first line\nsecond line")
    }

    @Test func setAndShowCommands() throws {
        let (session, _) = try Self.session()
        let out = Self.run(["/set parameter temperature 0.5", "/set parameter stop A B", "/set system Be brief.",
                            "/show system", "/show parameters", "/set parameter bogus 1", "/show template"], session: session)
        #expect(session.options.temperature == 0.5)
        #expect(session.options.stop == ["A", "B"])
        #expect(session.system == "Be brief.")
        #expect(out.contains("Be brief.\n"))
        #expect(out.split(separator: "\n").contains { $0.hasPrefix("  temperature ") && $0.hasSuffix(" 0.5") })
        #expect(out.contains("error: unknown parameter 'bogus'"))
        #expect(out.contains("<|im_start|>"))
    }

    @Test func clearForgetsTurns() throws {
        let (session, _) = try Self.session()
        _ = Self.run(["Hi", "/clear"], session: session)
        #expect(session.turns.isEmpty)
        #expect(session.generator.cached.isEmpty)
    }

    @Test func oldestTurnsAreDroppedToFitTheContext() throws {
        let (session, _) = try Self.session(contextLength: 60, system: "Sys.")
        _ = Self.run(["one " + String(repeating: "word ", count: 10), "two", "three"], session: session)
        let tokens = try session.prompt(for: "four").tokens
        let text = session.generator.tokenizer.decode(tokens, special: true)
        #expect(tokens.count < 60)
        #expect(text.hasPrefix("<|im_start|>system\nSys.<|im_end|>"))
        #expect(!text.contains("one word") && text.contains("four"))
    }
}

extension ChatLoopTests {
    @Test func showInfoListsTheModel() throws {
        let (session, _) = try Self.session()
        let out = Self.run(["/show info"], session: session)
        #expect(out.contains("  Model\n"))
        #expect(out.split(separator: "\n").contains { $0.hasPrefix("    architecture") && $0.hasSuffix("llama") })
    }

    @Test func trimmingKeepsSystemAndMessageHistory() throws {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: TestModels.smolLM2())))
        let model = ScriptedPredictor(contextLength: 80, vocabularySize: tokenizer.vocabulary.count,
                                      answer: tokenizer.encode("Ahoy there!", addSpecial: false), eos: 2)
        var options = SamplingOptions()
        options.temperature = 0
        let history = [Turn(role: "user", content: "Ship?"), Turn(role: "assistant", content: "The Pearl.")]
        let session = ChatSession(generator: Generator(model: model, tokenizer: tokenizer), format: try ChatFormat(name: "chatml", text: ChatTemplateFamily.chatML(defaultSystem: nil, name: "chatml").template),
                                  options: options, system: "Sys.", history: history)
        _ = Self.run(["first " + String(repeating: "word ", count: 12), "second question", "third"], session: session)
        let text = tokenizer.decode(try session.prompt(for: "fourth").tokens, special: true)
        #expect(text.hasPrefix("<|im_start|>system\nSys.<|im_end|>\n<|im_start|>user\nShip?<|im_end|>\n<|im_start|>assistant\nThe Pearl.<|im_end|>"))
        #expect(!text.contains("first word"))
        #expect(text.contains("third") && text.hasSuffix("fourth<|im_end|>\n<|im_start|>assistant\n"))
    }
}

/// The REPL commands Ollama users know, beyond /set parameter and /show info.
extension ChatLoopTests {
    @Test func helpListsEveryCommandAndItsSubcommands() throws {
        let (session, _) = try Self.session()
        let out = Self.run(["/?", "/help set", "/? show"], session: session)
        for command in ["/set", "/show", "/load <model>", "/save <model>", "/clear", "/bye", "/?, /help",
                        "/set verbose", "/set quiet", "/set nohistory", "/set think", "/set format json",
                        "/show modelfile", "/show license", "/show template"] {
            #expect(out.contains(command), "help lacks \(command)")
        }
    }

    @Test func showModelfileAndLicense() throws {
        let (session, _) = try Self.session()
        let card = ChatModelCard(reference: "m", info: [], modelfile: "FROM m.gguf\nSYSTEM hi\n", licenses: ["MIT text"])
        let out = Self.run(["/show modelfile", "/show license"], session: session, card: card)
        #expect(out == "FROM m.gguf\nSYSTEM hi\nMIT text\n\n")   // the last newline: end of input
        let none = Self.run(["/show license"], session: try Self.session().0)
        #expect(none == "No license was specified for this model.\n\n")
    }

    @Test func verboseQuietHistoryAndThink() throws {
        let (session, _) = try Self.session()
        let out = Self.run(["/set verbose", "Hi", "/set quiet", "Hi again", "/set nohistory", "/set history", "/set think"],
                           session: session)
        let stats = out.components(separatedBy: "prompt eval count:").count - 1
        #expect(stats == 1, "stats after the verbose answer only: \(out)")
        #expect(out.contains("Set 'verbose' mode.") && out.contains("Set 'quiet' mode."))
        #expect(out.contains("Set 'nohistory' mode.") && out.contains("Set 'history' mode."))
        #expect(out.contains("does not support thinking"))   // ChatML shows no reasoning
    }

    /// A thinking model (DeepSeek-R1's template: the prompt opens `<think>`) answering with scripted
    /// reasoning: the loop shows it apart, as `ollama run` does, and keeps it apart in the conversation;
    /// `/set nothink` closes the reasoning in the prompt and shows the text as it comes.
    @Test func thinkingModelShowsItsReasoningUntilNothink() throws {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: TestModels.smolLM2())))
        let answer = tokenizer.encode("Two and two.</think>\n\nFour!", addSpecial: false)
        let model = ScriptedPredictor(contextLength: 4096, vocabularySize: tokenizer.vocabulary.count, answer: answer, eos: 2)
        var options = SamplingOptions()
        options.temperature = 0
        let format = try ChatFormat(name: "deepseek-r1", text: ChatTemplateFamily.deepSeekR1(jinja: "enable_thinking").template)
        let session = ChatSession(generator: Generator(model: model, tokenizer: tokenizer), format: format, options: options, system: "")
        #expect(session.canThink)
        let out = Self.run(["2+2?", "/set nothink", "2+2?", "/bye"], session: session)
        #expect(out.contains("Thinking...\nTwo and two.\n...done thinking.\n\nFour!"), "\(out)")
        #expect(session.turns[1].thinking == "Two and two." && session.turns[1].content == "Four!")
        #expect(out.contains("Set 'nothink' mode.\n") && out.contains("\nTwo and two.</think>\n\nFour!"), "\(out)")
        let lastPrompt = tokenizer.decode(model.evaluated.last(where: { $0.count > 1 }) ?? [], special: true)
        #expect(lastPrompt.hasSuffix("<｜Assistant｜><think>\n</think>"), "\(lastPrompt)")
    }

    @Test func loadSwitchesTheModelAndSaveBuildsTheConversation() throws {
        let (first, _) = try Self.session(system: "You are a pirate.")
        let (second, _) = try Self.session(system: "You are a cat.")
        var saved: [(String, String)] = []
        let actions = ChatActions(
            load: { ref in (second, ChatModelCard(reference: ref, info: [], modelfile: "FROM \(ref)\n")) },
            save: { name, text in saved.append((name, text)) })
        let out = Self.run(["Hello", "/set parameter temperature 0.3", "/save pirate2", "/load cat", "/show system", "/show modelfile"],
                           session: first, actions: actions)
        #expect(out.contains("Created new model 'pirate2'"))
        #expect(out.contains("Loading model 'cat'") && out.contains("You are a cat.\n") && out.hasSuffix("FROM cat\n\n"))
        #expect(saved.count == 1 && saved.first?.0 == "pirate2")
        #expect(saved.first?.1 == """
            FROM pirate
            SYSTEM You are a pirate.
            PARAMETER temperature 0.3
            MESSAGE user Hello
            MESSAGE assistant Ahoy there!

            """)
        let failing = ChatActions(load: { _ in throw ChatActionError("model 'nope' not found") })
        #expect(Self.run(["/load nope", "/show system"], session: first, actions: failing).contains("error: model 'nope' not found"))
    }

    /// `/save` through the real build: the saved model carries the system, parameter and conversation.
    @Test func saveBuildsAModelInTheStore() throws {
        let dir = NSTemporaryDirectory() + "mfc-save-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["MFC_MODELS": dir + "/store"]
        let (session, _) = try Self.session(system: "You are a pirate.")
        let console = Console(stdout: BufferOutput(), stderr: BufferOutput(), readStdin: { Data() }, stdinIsTerminal: false,
                              environment: env, currentDirectory: dir)
        let args = try ParsedArguments.parse(["x"], for: RunCommand.info)
        let actions = ChatActions(save: { name, text in try RunCommand.save(text, as: name, args, console: console) })
        let card = ChatModelCard(reference: try TestModels.smolLM2(), info: [], modelfile: "")
        let out = Self.run(["Hello", "/save pirate"], session: session, card: card, actions: actions)
        #expect(out.contains("Created new model 'pirate'"), "\(out)")
        let shown = runMFC(["show", "pirate", "--modelfile"], env: env).out
        #expect(shown.contains("SYSTEM You are a pirate.") || shown.contains("SYSTEM \"You are a pirate.\""), "\(shown)")
        #expect(shown.contains("MESSAGE user Hello") && shown.contains("MESSAGE assistant Ahoy there!"), "\(shown)")
    }
}
