import ModelfileLang
import Runtime

/// Chat-template auto-detection for models built from files (template spec §6): the model's
/// `tokenizer.chat_template` is matched against Ollama's named templates (when their data is
/// configured) and, for safetensors imports, against mfc's own family templates; on a match a
/// template layer and a params layer holding only `stop` are added before user layers.
/// The result is cached per model blob, so it costs nothing on rebuilds.
enum TemplateDetection {
    struct Detected: Sendable {
        var template: String
        var stop: [String]
    }

    enum Outcome {
        case detected(Detected)
        /// The model has a chat template, but of no family mfc knows.
        case unknownFamily
    }

    static func detect(_ digest: Digest, store: ModelStore, log: ActionLog, named: NamedTemplates?,
                       families: Bool) throws(StoreError) -> Outcome? {
        let key = ActionKey(kind: "detect-template", version: 2, inputs: [digest.description],
                            settings: ["templates": named?.directory ?? "", "families": families ? "1" : "0"]).description
        if let cached = log.lookup("action", key) {
            guard let json = try? JSONValue.parse(cached) else { return nil }
            if json["unknown"] == .bool(true) { return .unknownFamily }
            guard let t = json["template"]?.stringValue else { return nil }
            return .detected(Detected(template: t, stop: json["stop"]?.arrayValue?.compactMap(\.stringValue) ?? []))
        }
        let chatTemplate: String?
        do { chatTemplate = try GGUFFile(path: store.blobs.path(of: digest))["tokenizer.chat_template"]?.string }
        catch { throw StoreError("\(store.blobs.path(of: digest)): \(error)") }
        var outcome: Outcome? = nil
        if let chatTemplate {
            do {
                if let m = try named?.match(chatTemplate: chatTemplate) { outcome = .detected(Detected(template: m.template, stop: m.stop)) }
            } catch { throw StoreError("template detection: \(error)") }
            if outcome == nil, families {
                outcome = ChatTemplateFamily.detect(jinja: chatTemplate).map { .detected(Detected(template: $0.template, stop: $0.stop)) }
                    ?? .unknownFamily
            }
        }
        let value: JSONValue
        switch outcome {
        case .detected(let d)?: value = .object([("template", .string(d.template)), ("stop", .array(d.stop.map { .string($0) }))])
        case .unknownFamily?: value = .object([("unknown", .bool(true))])
        case nil: value = .null
        }
        log.record("action", key, value.goEncodedString.trimmingSuffixNewline)
        return outcome
    }
}
