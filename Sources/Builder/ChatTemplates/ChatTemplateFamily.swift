import Foundation

/// mfc's own Go templates for the chat formats most checkpoints use, chosen from distinctive
/// markers of a model's Jinja `chat_template` (docs/chat-templates.md). Ollama maps Jinja templates
/// to its named templates, whose data mfc does not ship; these give an import a working TEMPLATE and
/// stop words anyway.
///
/// Each template renders what jinja2 renders from the family's real Jinja templates with
/// add_generation_prompt (Tests/Fixtures/templates), minus the leading BOS that the runtime adds as a
/// token. Like Ollama's templates, a conversation that ends with an assistant message is left open
/// for the model to continue.
package struct ChatTemplateFamily: Sendable, Equatable {
    /// One of `names`.
    package let name: String
    /// The Go template text.
    package let template: String
    /// The family's stop words.
    package let stop: [String]

    /// Part of every build key of a model built from a file: bump it when a family's template or its
    /// recognition changes, so such models are rebuilt with the new template.
    package static let version = "5"

    /// The families mfc recognises, for messages and docs/chat-templates.md.
    package static let names = ["chatml", "qwen2", "qwen3", "qwq", "llama3", "llama2", "mistral", "mistral-v7", "gemma", "phi3",
                                "phi4", "deepseek-r1", "granite", "command-r"]

    /// The family of a Jinja chat template, from the turn markers only one family writes (checked
    /// most specific first: DeepSeek's and Phi's markers appear beside ChatML's in some templates),
    /// or nil when no marker is known.
    package static func detect(jinja: String) -> ChatTemplateFamily? {
        if jinja.contains("<｜User｜>") && jinja.contains("<｜Assistant｜>") { return deepSeekR1(jinja: jinja) }
        if jinja.contains("<|start_of_role|>") { return granite(jinja: jinja) }
        if jinja.contains("<|start_header_id|>") { return jinja.contains("Cutting Knowledge Date") ? llama31(jinja: jinja) : llama3 }
        if jinja.contains("<start_of_turn>") { return gemma }
        if jinja.contains("<|im_sep|>") { return phi4 }
        if jinja.contains("<|im_start|>") { return chatMLVariant(jinja: jinja) }
        if jinja.contains("<|user|>") && jinja.contains("<|end|>") { return phi3 }
        if jinja.contains("<|START_OF_TURN_TOKEN|>") { return commandR }
        if jinja.contains("[SYSTEM_PROMPT]") { return mistralV7(jinja: jinja) }
        if jinja.contains("[INST]") { return jinja.contains("<<SYS>>") ? llama2 : mistral(jinja: jinja) }
        return nil
    }

    /// The Jinja chat template of a Hugging Face folder, as an import reads it.
    package static func jinja(inCheckpoint directory: String) -> String? {
        let config = (try? HFCheckpoint.json(directory + "/tokenizer_config.json", required: false)) ?? .null
        return HFTokenizerMetadata.chatTemplate(directory: directory, tokenizerConfig: config)
    }
}
