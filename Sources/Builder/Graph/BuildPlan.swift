import ModelfileLang
import Foundation

/// The steps that build one Modelfile, in order: the base (imported files or a stored model),
/// adapters and draft, quantization, the user's text layers in Ollama's order, the config and
/// the manifest. Which step imports a path (file or folder) is decided here from `stat`.
enum BuildPlan {
    static func steps(for input: BuildInput, source: FromSource, parameters: [String: JSONValue],
                      build: BuildRun) throws(StoreError) -> [any BuildAction] {
        var steps: [any BuildAction] = []
        switch source {
        case .files(let files):
            guard !files.isEmpty else { throw StoreError("FROM names no model file") }
            for f in files {
                if FileIO.status(f.path)?.isDirectory == true {
                    steps.append(ImportFolderStep(path: f.path, relativeName: f.relativeName))
                } else {
                    steps.append(ImportFileStep(path: f.path, relativeName: f.relativeName, forcedMediaType: nil, name: "model"))
                }
            }
            steps.append(DetectTemplateStep(hasTemplateLine: input.template?.isEmpty == false))
        case .model(let base):
            steps.append(BaseModelStep(base: base))
        }
        for adapter in input.adapters {
            let path = try SourceResolver.expand(adapter, directory: input.directory, home: build.builder.home)
            let relativeName = (path as NSString).lastPathComponent
            if FileIO.status(path)?.isDirectory == true {
                steps.append(PEFTAdapterStep(path: path, relativeName: relativeName))
            } else {
                steps.append(ImportFileStep(path: path, relativeName: relativeName, forcedMediaType: nil, name: "adapter"))
            }
        }
        steps.append(AdapterFitStep())
        if let draft = input.draft {
            let path = try SourceResolver.expand(draft, directory: input.directory, home: build.builder.home)
            steps.append(ImportFileStep(path: path, relativeName: (path as NSString).lastPathComponent,
                                        forcedMediaType: MediaType.draft, name: "draft"))
        }
        if let request = build.options.quantize { steps.append(QuantizeStep(request: request)) }

        // User layers, in Ollama's order; each replaced kind moves to the end.
        if let t = input.template, !t.isEmpty {
            steps.append(TextLayerStep(name: "template", mediaType: MediaType.template, bytes: Array(t.utf8),
                                       replaces: [MediaType.template, MediaType.prompt]))
        }
        if let s = input.system, !s.isEmpty {
            steps.append(TextLayerStep(name: "system", mediaType: MediaType.system, bytes: Array(s.utf8), replaces: [MediaType.system]))
        }
        for license in input.licenses {
            steps.append(TextLayerStep(name: "license", mediaType: MediaType.license, bytes: Array(license.utf8), replaces: []))
        }
        steps.append(ParamsStep(parameters: parameters))
        if !input.messages.isEmpty {
            let json = JSONValue.array(input.messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })
            steps.append(TextLayerStep(name: "messages", mediaType: MediaType.messages, bytes: json.goEncoded, replaces: [MediaType.messages]))
        }
        steps.append(ConfigStep(renderer: input.renderer, parser: input.parser, requires: input.requires))
        steps.append(ManifestStep())
        return steps
    }
}
