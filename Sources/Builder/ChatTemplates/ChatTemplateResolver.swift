import Foundation
import ModelfileLang
import Runtime

/// Where a model's chat template came from.
package enum ChatTemplateOrigin: Sendable, Equatable {
    /// The Modelfile's TEMPLATE line.
    case modelfile
    /// The template layer of the built model FROM names.
    case baseModel(String)
    /// One of Ollama's named templates (a copy of Ollama's template folder is configured).
    case named(String)
    /// mfc's own template for a recognised Jinja chat template family.
    case family(String)
    /// Nothing usable: Ollama's default template.
    case fallback
}

/// The chat template a model renders with, its stop words and how it was chosen.
package struct ChatTemplateChoice: Sendable, Equatable {
    /// Go template text, as stored in a template layer.
    package var template: String
    /// Stop words that belong to the template (stored as `stop` in a params layer).
    package var stop: [String]
    package var origin: ChatTemplateOrigin
    /// Set when mfc could not find the model's chat format: what is missing and what is used instead.
    package var warning: String?

    /// A short name for `/show info` and notes: "TEMPLATE", the family or named template, or "default".
    package var name: String {
        switch origin {
        case .modelfile: "TEMPLATE"
        case .baseModel(let base): base
        case .named(let n), .family(let n): n
        case .fallback: "default"
        }
    }
}

/// A Jinja chat template read from a model file, with the file's name for messages.
package struct JinjaChatTemplate: Sendable, Equatable {
    /// nil when the file carries none.
    package var text: String?
    /// Where it came from, as the user wrote it ("./model.gguf").
    package var location: String

    package init(text: String?, location: String) {
        self.text = text
        self.location = location
    }

    /// `tokenizer.chat_template` of a GGUF file, or the chat template of a Hugging Face folder.
    /// - Throws: `StoreError` when a GGUF file cannot be read.
    package static func read(path: String, location: String) throws(StoreError) -> JinjaChatTemplate {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return JinjaChatTemplate(text: ChatTemplateFamily.jinja(inCheckpoint: path), location: location)
        }
        do { return JinjaChatTemplate(text: try GGUFFile(path: path)["tokenizer.chat_template"]?.string, location: location) }
        catch { throw StoreError("\(location): \(error)") }
    }
}

/// The one place that decides a model's chat template, for `mfc build`, `mfc run FILE`,
/// `mfc template`, `mfc lint` and the HTTP server. In order:
/// 1. the Modelfile's TEMPLATE line;
/// 2. else the template of the built model FROM names;
/// 3. else the model file's Jinja chat template: Ollama's named templates when their data is
///    configured, then mfc's own family templates (ChatTemplateFamily);
/// 4. else Ollama's default template `{{ .Prompt }}`, with a warning that says why and what is used.
/// Everything chosen here is a Go template, rendered by the template engine.
package enum ChatTemplateResolver {
    /// The base model's side of step 2: its name and its template layer (nil when it has none).
    package struct BaseModel: Sendable, Equatable {
        package var name: String
        package var template: String?
        package init(name: String, template: String?) {
            self.name = name
            self.template = template
        }
    }

    /// - Parameters:
    ///   - templateLine: the TEMPLATE instruction's text, if any.
    ///   - baseModel: FROM a built model.
    ///   - jinja: FROM a model file (GGUF or Hugging Face folder).
    ///   - named: Ollama's named templates, when configured.
    /// - Throws: `StoreError` when Ollama's named-template data cannot be read.
    package static func resolve(templateLine: String? = nil, baseModel: BaseModel? = nil, jinja: JinjaChatTemplate? = nil,
                                named: NamedTemplates? = nil) throws(StoreError) -> ChatTemplateChoice {
        if let templateLine { return ChatTemplateChoice(template: templateLine, stop: [], origin: .modelfile) }
        if let baseModel {
            return ChatTemplateChoice(template: baseModel.template ?? PromptTemplate.defaultText, stop: [], origin: .baseModel(baseModel.name))
        }
        guard let jinja else { return fallback(warning: nil) }
        guard let text = jinja.text else {
            return fallback(warning: "\(jinja.location) carries no chat template (tokenizer.chat_template); " + fallbackAdvice)
        }
        if let named {
            do {
                if let m = try named.match(chatTemplate: text) { return ChatTemplateChoice(template: m.template, stop: m.stop, origin: .named(m.name)) }
            } catch { throw StoreError("named templates: \(error)") }
        }
        if let family = ChatTemplateFamily.detect(jinja: text) {
            return ChatTemplateChoice(template: family.template, stop: family.stop, origin: .family(family.name))
        }
        return fallback(warning: "the chat template in \(jinja.location) is of no family mfc knows ("
                        + ChatTemplateFamily.names.joined(separator: ", ") + "); " + fallbackAdvice)
    }

    static let fallbackAdvice = "using Ollama's default template '\(PromptTemplate.defaultText)' (plain completion of the last prompt, "
        + "no SYSTEM); add a TEMPLATE line to chat"

    static func fallback(warning: String?) -> ChatTemplateChoice {
        ChatTemplateChoice(template: PromptTemplate.defaultText, stop: [], origin: .fallback, warning: warning)
    }
}

extension ChatTemplateResolver {
    /// For `mfc lint`: why the model file at `path` gives no chat template and what will be used,
    /// or nil when its chat template is recognised (or the file cannot be read: other checks say so).
    package static let lintWarning: @Sendable (String) -> String? = { path in
        guard let jinja = try? JinjaChatTemplate.read(path: path, location: "the file"),
              let choice = try? resolve(jinja: jinja) else { return nil }
        return choice.warning
    }
}
