import ModelfileLang
import Runtime

/// Ollama's chat-template auto-detection for models built from GGUF files (template spec §6):
/// the model's `tokenizer.chat_template` is matched against Ollama's named templates and, on a
/// match, a template layer and a params layer holding only `stop` are added before user layers.
/// The result is cached per model blob, so it costs nothing on rebuilds.
enum TemplateDetection {
    struct Detected: Sendable {
        var template: String
        var stop: [String]
    }

    static func detect(_ digest: Digest, store: ModelStore, log: ActionLog, named: NamedTemplates) throws(StoreError) -> Detected? {
        let key = ActionKey(kind: "detect-template", version: 1, inputs: [digest.description],
                            settings: ["templates": named.directory]).description
        if let cached = log.lookup("action", key) {
            guard let json = try? JSONValue.parse(cached), let t = json["template"]?.stringValue else { return nil }
            return Detected(template: t, stop: json["stop"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        let chatTemplate: String?
        do { chatTemplate = try GGUFFile(path: store.blobs.path(of: digest))["tokenizer.chat_template"]?.string }
        catch { throw StoreError("\(store.blobs.path(of: digest)): \(error)") }
        var detected: Detected? = nil
        if let chatTemplate {
            do {
                if let m = try named.match(chatTemplate: chatTemplate) { detected = Detected(template: m.template, stop: m.stop) }
            } catch { throw StoreError("template detection: \(error)") }
        }
        let value: JSONValue = detected.map {
            .object([("template", .string($0.template)), ("stop", .array($0.stop.map { .string($0) }))])
        } ?? .null
        log.record("action", key, value.goEncodedString.trimmingSuffixNewline)
        return detected
    }
}
