import Builder
import Foundation
import HTTPServer
import ModelfileLang
import Runtime

/// /api/tags, /api/show, /api/copy, /api/delete, /api/ps.
extension APIServer {
    func listModels() throws -> JSON {
        var entries: [(Date, JSON)] = []
        for name in store.modelNames() {
            guard let bytes = store.manifestBytes(name), let manifest = try? Manifest(bytes: bytes) else { continue }
            let modified = modificationDate(of: name)
            let resolved = try? store.resolve(name)
            entries.append((modified, .object([
                ("name", .string(name.displayShortest)), ("model", .string(name.displayShortest)),
                ("modified_at", .string(JSONTime.string(modified))), ("size", .int(Int(manifest.totalSize))),
                ("digest", .string(Digest.of(bytes).hex)), ("details", details(resolved)),
            ])))
        }
        return .object([("models", .array(entries.sorted { $0.0 > $1.0 }.map(\.1)))])
    }

    func modificationDate(of name: ModelName) -> Date {
        let attrs = try? FileManager.default.attributesOfItem(atPath: store.manifestPath(name))
        return (attrs?[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
    }

    /// Ollama's ModelDetails.
    func details(_ model: ResolvedModel?) -> JSON {
        let config = model?.config ?? ModelConfig()
        var parameterSize = config.modelType, quantization = config.fileType
        if let model, parameterSize.isEmpty || quantization.isEmpty, let info = try? store.modelInfo(of: model) {
            if parameterSize.isEmpty { parameterSize = ModelConfig.humanNumber(info.parameterCount) }
            if quantization.isEmpty { quantization = info.fileType }
        }
        let families = config.modelFamilies.isEmpty && !config.modelFamily.isEmpty ? [config.modelFamily] : config.modelFamilies
        return .object([
            ("parent_model", .string("")), ("format", .string(config.modelFormat.isEmpty ? "gguf" : config.modelFormat)),
            ("family", .string(config.modelFamily)), ("families", families.isEmpty ? .null : .array(families.map { .string($0) })),
            ("parameter_size", .string(parameterSize)), ("quantization_level", .string(quantization)),
        ])
    }

    /// The model's resolved manifest, or 404.
    func resolveModel(_ text: String) throws(APIError) -> ResolvedModel {
        let name = try scheduler.resolveName(text)
        do { return try store.resolve(name) } catch { throw APIError(500, "\(error)") }
    }

    func show(_ body: RequestBody) throws -> JSON {
        let model = try resolveModel(try body.modelName())
        let verbose = try body.bool("verbose") ?? false
        var fields: [(String, JSON)] = []
        if !model.licenses.isEmpty { fields.append(("license", .string(model.licenses.joined(separator: "\n")))) }
        fields.append(("modelfile", .string(ModelfilePrinter.modelfile(for: model, store: store))))
        let parameters = parameterText(model)
        if !parameters.isEmpty { fields.append(("parameters", .string(parameters))) }
        if let t = model.template { fields.append(("template", .string(t))) }
        if let s = model.system { fields.append(("system", .string(s))) }
        fields.append(("details", details(model)))
        if !model.messages.isEmpty {
            fields.append(("messages", .array(model.messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })))
        }
        let gguf = try? GGUFFile(path: model.modelPath)
        fields.append(("model_info", gguf.map { modelInfo($0, verbose: verbose) } ?? .object([])))
        if verbose, let gguf {
            fields.append(("tensors", .array(gguf.tensors.map {
                .object([("name", .string($0.name)), ("type", .string("\($0.type)".uppercased())),
                         ("shape", .array($0.dimensions.map { .int(Int($0)) }))])
            })))
        }
        fields.append(("capabilities", .array(capabilities(model).map { .string($0) })))
        fields.append(("modified_at", .string(JSONTime.string(modificationDate(of: model.name)))))
        return .object(fields)
    }

    /// Ollama's `parameters` text: one line per value, the name padded to 30 columns, a space, then the
    /// value as Go's `%#v` prints it (strings quoted).
    func parameterText(_ model: ResolvedModel) -> String {
        func line(_ name: String, _ value: String) -> String { name.padding(toLength: max(name.count, 30), withPad: " ", startingAt: 0) + " " + value }
        var lines: [String] = []
        for (k, v) in model.parameters.sorted {
            if case .strings(let list) = v {
                lines += list.map { line(k, String(decoding: JSON.string($0).goJSON(escapeHTML: false), as: UTF8.self)) }
            } else {
                lines.append(line(k, v.description))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What the model can do: completion always; tools and thinking when its template shows them
    /// (Ollama's reading of a template: `.Tools`, `.Thinking` between tags), insert with `.Suffix`.
    func capabilities(_ model: ResolvedModel) -> [String] {
        var list = ["completion"]
        let template = try? PromptTemplate.parse(model.template ?? PromptTemplate.defaultText)
        if let template, TemplateCapabilities(template).tools { list.append("tools") }
        if (model.template ?? "").contains(".Suffix") { list.append("insert") }
        if let template, TemplateCapabilities(template).thinking { list.append("thinking") }
        return list
    }

    /// GGUF metadata as /api/show's model_info: scalars as they are, token lists empty unless verbose.
    func modelInfo(_ gguf: GGUFFile, verbose: Bool) -> JSON {
        var members: [(String, JSON)] = []
        for (key, value) in gguf.metadata {
            switch value {
            case .string(let s): members.append((key, .string(s)))
            case .bool(let b): members.append((key, .bool(b)))
            case .float32(let f): members.append((key, .float64(Double(f))))
            case .float64(let d): members.append((key, .float64(d)))
            case .array(let a):
                if !verbose && key.hasPrefix("tokenizer.ggml.") { members.append((key, .null)); continue }
                members.append((key, ggufArray(a)))
            default: members.append((key, value.int.map { .int(Int($0)) } ?? .null))
            }
        }
        if let count = try? ModelInfo(ggufAt: gguf.path).parameterCount { members.append(("general.parameter_count", .int(Int(count)))) }
        return JSON.sortedObject(Dictionary(members, uniquingKeysWith: { a, _ in a }))
    }

    func ggufArray(_ array: GGUFArray) -> JSON {
        guard array.count <= 4096 else { return .null }
        return .array(array.values().map { v in
            if let s = v.string { return .string(s) }
            if let n = v.int { return .int(Int(n)) }
            if let d = v.double { return .float64(d) }
            return .null
        })
    }

    func copy(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        guard let source = try body.string("source"), !source.isEmpty else { throw APIError.badRequest("source is required") }
        guard let destination = try body.string("destination"), !destination.isEmpty else { throw APIError.badRequest("destination is required") }
        let from = try scheduler.resolveName(source)
        let to = ModelName(parsing: destination)
        guard to.isValid else { throw APIError.badRequest("invalid destination name '\(destination)'") }
        do { try store.copy(from: from, to: to) } catch { throw APIError(500, "\(error)") }
        writer.send(status: 200)
    }

    func delete(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        let nameText = try body.modelName()
        let name = try scheduler.resolveName(nameText)
        _ = try? scheduler.unload(nameText)
        do { _ = try store.remove(name) } catch { throw APIError(500, "\(error)") }
        writer.send(status: 200)
    }

    func runningModels() -> JSON {
        .object([("models", .array(scheduler.running().map { m in
            let expires = m.expiresAt ?? Date(timeIntervalSinceNow: 100 * 365 * 86400)
            return .object([
                ("name", .string(m.name)), ("model", .string(m.name)), ("size", .int(Int(m.size))),
                ("digest", .string(m.resolved.manifestDigest.hex)), ("details", details(m.resolved)),
                ("expires_at", .string(JSONTime.string(expires))), ("size_vram", .int(0)),
                ("context_length", .int(Int(m.contextLength))), ("kv_cache_size", .int(m.kvBytes)),
            ])
        }))])
    }
}
