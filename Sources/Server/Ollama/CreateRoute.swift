import Builder
import Foundation
import HTTPServer
import Runtime

/// POST /api/create and HEAD/POST /api/blobs/:digest.
extension APIServer {
    /// Builds a model from the request's parts exactly as `mfc build` builds a Modelfile with the same
    /// instructions: `from` (a model name) or `files` (name → blob digest), adapters, template, system,
    /// license, parameters, messages and quantize.
    func create(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        let nameText = try body.modelName()
        let name = ModelName(parsing: nameText)
        guard name.isValid else { throw APIError.badRequest("invalid model name '\(nameText)'") }
        let stream = try body.bool("stream") ?? true
        let scratch = NSTemporaryDirectory() + "mfc-create-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var input = BuildInput(directory: scratch)

        let files = try blobFiles(body, "files", into: scratch + "/files")
        if let from = try body.string("from"), !from.isEmpty {
            guard files.isEmpty else { throw APIError.badRequest("give either 'from' or 'files', not both") }
            _ = try scheduler.resolveName(from)   // a stored model only: never a path on the server
            input.from = [from]
        } else if files.count == 1 {
            input.from = [files[0]]
        } else if !files.isEmpty {
            input.from = [scratch + "/files"]   // a safetensors checkpoint folder
        } else {
            throw APIError.badRequest("neither 'from' nor 'files' was specified")
        }
        input.adapters = try blobFiles(body, "adapters", into: scratch + "/adapters")
        input.template = try body.string("template")
        input.system = try body.string("system")
        input.licenses = try body.strings("license") ?? []
        if let params = try body.object("parameters"), case .object(let members) = params.value {
            for (key, value) in members {
                var texts: [String] = []
                switch value {
                case .string(let s): texts = [s]
                case .bool(let b): texts = [b ? "true" : "false"]
                case .array(let items):
                    for item in items {
                        guard let s = item.stringValue ?? item.doubleValue.map(Self.numberText) else {
                            throw APIError.badRequest("field 'parameters.\(key)' must hold strings or numbers")
                        }
                        texts.append(s)
                    }
                default:
                    guard let d = value.doubleValue else { throw APIError.badRequest("field 'parameters.\(key)' must be a string, number, bool or list") }
                    texts = [value.intValue.map(String.init) ?? Self.numberText(d)]
                }
                for text in texts {
                    do { try input.parameters.set(key, text: text) } catch { throw APIError.badRequest("field 'parameters.\(key)': \(error)") }
                }
            }
        }
        for m in try body.objects("messages") ?? [] {
            let role = (try m.string("role") ?? "").lowercased()
            guard ["system", "user", "assistant"].contains(role) else {
                throw APIError.badRequest("field '\(m.prefix)role' must be system, user or assistant")
            }
            input.messages.append(.init(role: role, content: try m.string("content") ?? ""))
        }
        var options = BuildOptions()
        var quantize = try body.string("quantize") ?? ""
        if quantize.isEmpty { quantize = try body.string("quantization") ?? "" }
        if !quantize.isEmpty {
            guard let type = QuantizationFileType(name: quantize.uppercased()) else {
                throw APIError.badRequest("unsupported quantization type '\(quantize)'")
            }
            options.quantize = QuantizeRequest(fileType: type)
        }

        if stream { writer.startStream(contentType: "application/x-ndjson") }
        func status(_ text: String) { if stream { writer.write(JSON.object([("status", .string(text))]).line) } }
        status("parsing request")
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            if !quantize.isEmpty { status("quantizing model to \(quantize.uppercased())") }
            status("creating model layers")
            _ = try ModelBuilder(store: store).build(input, as: name, options: options)
            status("writing manifest")
            status("success")
            if !stream { sendJSON(writer, .object([("status", .string("success"))])) }
        } catch {
            // A build error is the request's fault (bad parameter, template, checkpoint): 400.
            if stream { writer.write(JSON.object([("error", .string("\(error)"))]).line) } else { throw APIError.badRequest("\(error)") }
        }
        if stream { writer.finish() }
    }

    /// The blobs a `files`/`adapters` map names, linked under their file names in `folder`.
    func blobFiles(_ body: RequestBody, _ key: String, into folder: String) throws -> [String] {
        guard let map = try body.object(key), case .object(let members) = map.value, !members.isEmpty else { return [] }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var paths: [String] = []
        for (file, value) in members {
            guard let text = value.stringValue, let digest = Digest(parsing: text) else {
                throw APIError.badRequest("field '\(key).\(file)' must be a digest such as sha256:<64 hex digits>")
            }
            guard !file.isEmpty, !file.contains("/"), file != ".", file != "..", !file.hasPrefix(".") else {
                throw APIError.badRequest("field '\(key)' has an invalid file name '\(file)'")
            }
            let blob = store.blobs.path(of: digest)
            guard FileManager.default.fileExists(atPath: blob) else { throw APIError.badRequest("blob \(digest) for '\(file)' is missing: upload it to /api/blobs first") }
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + file, withDestinationPath: blob)
            paths.append(folder + "/" + file)
        }
        return paths
    }

    static func numberText(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }

    /// HEAD answers whether the blob exists; POST stores the body after checking its digest.
    func blob(_ digestText: String, method: String, request: IncomingRequest, _ writer: HTTPResponseWriter) throws {
        guard let digest = Digest(parsing: digestText) else { throw APIError.badRequest("invalid digest '\(digestText)'") }
        switch request.method {
        case "HEAD":
            writer.send(status: FileManager.default.fileExists(atPath: store.blobs.path(of: digest)) ? 200 : 404)
        case "POST":
            if FileManager.default.fileExists(atPath: store.blobs.path(of: digest)) { return writer.send(status: 200) }
            guard Digest.of(request.body) == digest else { throw APIError.badRequest("digest mismatch, expected \"\(digest)\", got \"\(Digest.of(request.body))\"") }
            do { try store.blobs.write(request.body) } catch { throw APIError(500, "\(error)") }
            writer.send(status: 201)
        default:
            throw APIError(405, "method \(request.method) not allowed for /api/blobs")
        }
    }
}
