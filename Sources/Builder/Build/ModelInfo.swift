import ModelfileLang
import Dispatch
import Foundation
import Runtime

/// The facts about a GGUF blob that builds and `show` need, read once from its header and then
/// cached by digest, so later builds never open the weights again.
package struct ModelInfo: Sendable, Equatable {
    /// `model`, `projector` or `adapter` media type, by Ollama's classification (package spec §3).
    package var mediaType: String
    package var architecture: String
    /// Sum of all tensor element counts (Ollama's own count).
    package var parameterCount: UInt64
    /// `general.file_type` display name (`Q4_1`, `F16`, `unknown`).
    package var fileType: String
    package var contextLength: Int
    package var embeddingLength: Int

    /// Reads the header of a GGUF file; a model the runtime implements is checked as loading it would
    /// (metadata, tensor shapes, vocabulary), so a build refuses what `run` would refuse.
    /// - Throws: `StoreError` saying what is wrong, without the path (callers name the source).
    package init(ggufAt path: String) throws(StoreError) {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw StoreError("\(error)") }
        architecture = file.architecture ?? ""
        parameterCount = file.tensors.reduce(0) { $0 &+ UInt64(max(0, $1.elementCount)) }
        if case .uint32(let ft)? = file["general.file_type"] {
            fileType = FileTypeNames.name(ft)
        } else {
            fileType = "unknown"
        }
        contextLength = file.archValue("context_length")?.int ?? 0
        embeddingLength = file.archValue("embedding_length")?.int ?? 0
        mediaType = ModelInfo.classify(file)
        if mediaType == MediaType.model, LlamaConfig.supports(architecture: architecture) {
            do { try ModelValidation.check(file) } catch { throw StoreError(error.description) }
        }
    }

    /// Ollama's layer classification of a GGUF.
    static func classify(_ file: GGUFFile) -> String {
        let generalType = file["general.type"]?.string ?? ""
        if generalType == "adapter" { return MediaType.adapter }
        if generalType == "projector" || generalType == "mmproj" { return MediaType.projector }
        let blockCount = file.archValue("block_count")?.int ?? 0
        // Ollama's KV getters prefix keys with the architecture: `<arch>.vision.block_count`.
        if (file.archValue("vision.block_count")?.int ?? 0) > 0 && blockCount == 0 { return MediaType.projector }
        if file.architecture == "clip" && blockCount == 0,
           file["clip.has_vision_encoder"]?.bool == true || file["clip.has_audio_encoder"]?.bool == true {
            return MediaType.projector
        }
        return MediaType.model
    }

    init(mediaType: String, architecture: String, parameterCount: UInt64, fileType: String, contextLength: Int, embeddingLength: Int) {
        self.mediaType = mediaType
        self.architecture = architecture
        self.parameterCount = parameterCount
        self.fileType = fileType
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
    }

    /// Cache form: one line of JSON.
    var cacheText: String {
        JSONValue.object([
            ("mediaType", .string(mediaType)), ("architecture", .string(architecture)),
            ("parameterCount", .int(Int(truncatingIfNeeded: parameterCount))), ("fileType", .string(fileType)),
            ("contextLength", .int(contextLength)), ("embeddingLength", .int(embeddingLength)),
        ]).goEncodedString.trimmingSuffixNewline
    }

    init?(cacheText: String) {
        guard let j = try? JSONValue.parse(cacheText), let mt = j["mediaType"]?.stringValue,
              let arch = j["architecture"]?.stringValue, case .int(let count)? = j["parameterCount"],
              let ft = j["fileType"]?.stringValue, let ctx = j["contextLength"]?.intValue,
              let emb = j["embeddingLength"]?.intValue else { return nil }
        self.init(mediaType: mt, architecture: arch, parameterCount: UInt64(bitPattern: Int64(count)), fileType: ft,
                  contextLength: ctx, embeddingLength: emb)
    }

    /// The info of a stored blob: from the action log when known, else read from the blob and remembered.
    static func of(_ digest: Digest, in store: ModelStore, log: ActionLog) throws(StoreError) -> ModelInfo {
        if let text = log.lookup("action", cacheKey(digest)), let info = ModelInfo(cacheText: text) { return info }
        let info = try ModelInfo(ggufAt: store.blobs.path(of: digest))
        remember(info, for: digest, log: log)
        return info
    }

    /// Records facts read from a file whose content has `digest` (for example from the source
    /// while it was being imported).
    static func remember(_ info: ModelInfo, for digest: Digest, log: ActionLog) {
        log.record("action", cacheKey(digest), info.cacheText)
    }

    static func cacheKey(_ digest: Digest) -> String {
        ActionKey(kind: "model-info", version: 2, inputs: [digest.description], settings: [:]).description
    }
}

/// Reads a GGUF's facts on another thread, so a first build parses the header while the
/// import hashes and copies the weights.
final class BackgroundModelInfo: @unchecked Sendable {
    private var result: ModelInfo? = nil
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread { [self] in
            result = try? ModelInfo(ggufAt: path)
            done.signal()
        }.start()
    }

    /// The facts, or nil when the file could not be read as GGUF (the blob is then read later,
    /// which reports the error).
    func wait() -> ModelInfo? {
        done.wait()
        return result
    }
}

extension String {
    var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}

/// `general.file_type` (llama_ftype) display names as Ollama shows them (gguf spec §6).
enum FileTypeNames {
    static let names: [UInt32: String] = [
        1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M",
        13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS",
        21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
        29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
    ]

    /// 0 (all F32) and unknown values show as `unknown`, as in Ollama.
    static func name(_ value: UInt32) -> String { names[value] ?? "unknown" }
}

extension ModelStore {
    /// Facts about a resolved model's weights (cached by blob digest after the first read).
    package func modelInfo(of model: ResolvedModel) throws(StoreError) -> ModelInfo {
        guard let layer = model.manifest.layers(ofType: MediaType.model).first else { throw StoreError("no model layer") }
        return try ModelInfo.of(layer.digest, in: self, log: ActionLog(path: stateDirectory + "/actions.log"))
    }
}
