import Foundation
import Testing
import Runtime
import TestSupport
import Server
@testable import mfc

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
        let s = ChatSession(generator: Generator(model: model, tokenizer: tokenizer), format: BuiltinChatFormat.chatML,
                            options: options, system: system)
        return (s, model)
    }

    static func run(_ lines: [String], session: ChatSession) -> String {
        var input = lines.map(LineInput.line)
        var out = ""
        let loop = ChatLoop(session: session, info: [("architecture", "llama")], write: { out += $0 },
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
        let tokens = try session.promptTokens(for: "four")
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
        let session = ChatSession(generator: Generator(model: model, tokenizer: tokenizer), format: BuiltinChatFormat.chatML,
                                  options: options, system: "Sys.", history: history)
        _ = Self.run(["first " + String(repeating: "word ", count: 12), "second question", "third"], session: session)
        let text = tokenizer.decode(try session.promptTokens(for: "fourth"), special: true)
        #expect(text.hasPrefix("<|im_start|>system\nSys.<|im_end|>\n<|im_start|>user\nShip?<|im_end|>\n<|im_start|>assistant\nThe Pearl.<|im_end|>"))
        #expect(!text.contains("first word"))
        #expect(text.contains("third") && text.hasSuffix("fourth<|im_end|>\n<|im_start|>assistant\n"))
    }
}
