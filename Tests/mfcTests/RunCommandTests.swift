import Foundation
import Testing
import TestSupport
@testable import mfc

// `mfc run` on the real SmolLM2 GGUF, in-process (runMFC pipes standard input, so these are one-shot runs).

private func smol() throws -> String { try TestModels.smolLM2() }
private let greedy = ["--param", "temperature=0", "--param", "num_predict=12"]

@Test func runAnswersAPromptArgumentOrPipedInputAlike() throws {
    let argument = runMFC(["run", try smol(), "What is the capital of France?"] + greedy)
    #expect(argument.status == 0, "\(argument.err)")
    #expect(!argument.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    let piped = runMFC(["run", try smol()] + greedy, stdin: "What is the capital of France?")
    #expect(piped.status == 0 && piped.out == argument.out)
}

@Test func runSeedMakesSamplingRepeatable() throws {
    func sample(_ seed: Int) throws -> String {
        runMFC(["run", try smol(), "Tell me a story.", "--param", "temperature=1.2", "--param", "seed=\(seed)",
                "--param", "num_predict=16", "--param", "top_k=1000"]).out
    }
    let first = try sample(7), again = try sample(7), other = try sample(8)
    #expect(!first.isEmpty && first == again)
    #expect(first != other)
}

@Test func runVerboseReportsCountsAndRawSkipsTheTemplate() throws {
    let templated = runMFC(["run", try smol(), "Hello there", "--verbose"] + greedy)
    let raw = runMFC(["run", try smol(), "Hello there", "--verbose", "--raw"] + greedy)
    for r in [templated, raw] {
        #expect(r.status == 0, "\(r.err)")
        for field in ["load duration:", "prompt eval count:", "prompt eval duration:", "prompt eval rate:",
                      "eval count:", "eval duration:", "eval rate:"] {
            #expect(r.err.contains(field), "missing \(field) in \(r.err)")
        }
    }
    // "Hello there" is 2 tokens as is; the ChatML rendering adds the role markers around it.
    func promptCount(_ err: String) -> Int? {
        err.split(separator: "\n").first { $0.hasPrefix("prompt eval count:") }
            .flatMap { $0.split(separator: " ").compactMap { Int($0) }.first }
    }
    #expect(promptCount(raw.err) == 2)
    #expect((promptCount(templated.err) ?? 0) > 8)
    #expect(templated.err.contains("eval count:           12 token(s)"))
}

@Test func runFormatJSONAnswersWithOneJSONObject() throws {
    let r = runMFC(["run", try smol(), "Describe a cat as JSON with keys name and color.", "--format", "json",
                    "--param", "temperature=0", "--param", "num_predict=200"])
    #expect(r.status == 0, "\(r.err)")
    let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
    #expect(object != nil, "not a JSON object: \(r.out)")
}

@Test func runHelpNamesTheLoRAScaleVariable() {
    let help = runMFC(["run", "--help"])
    #expect(help.status == 0 && help.out.contains("MFC_LORA_SCALE"))
}

/// `echo "" | mfc run MODEL` and stdin from /dev/null load the model and exit without generating, as Ollama does.
@Test func emptyPipedPromptOnlyLoadsTheModel() throws {
    for stdin in ["", "\n", "  \n\t"] {
        let r = runMFC(["run", try smol(), "--verbose"] + greedy, stdin: stdin)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.isEmpty, "generated \(r.out.debugDescription) for stdin \(stdin.debugDescription)")
        #expect(!r.err.contains("eval count:"))
    }
}
