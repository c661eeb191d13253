import Builder
import Runtime

/// A request's `options` object applied over a model's SamplingOptions, type-checked per field.
/// (The one place the server turns JSON options into runtime values.)
enum RequestOptions {
    /// Ollama options the runtime does not use; accepted (type-checked loosely) and ignored.
    static let accepted: Set<String> = ["num_batch", "num_gpu", "main_gpu", "use_mmap", "num_thread", "draft_num_predict",
                                        "low_vram", "f16_kv", "vocab_only", "use_mlock", "numa", "penalize_newline",
                                        "mirostat", "mirostat_tau", "mirostat_eta", "tfs_z"]

    /// Applies `options` to `base`. Unknown names are ignored as Ollama does; a known name with a value
    /// of the wrong type is a 400 naming it.
    static func apply(_ options: RequestBody?, to base: SamplingOptions) throws(APIError) -> SamplingOptions {
        var result = base
        guard let options, case .object(let members) = options.value else { return result }
        for (name, value) in members where value != .null {
            guard SamplingOptions.names.contains(name) else { continue }
            if name == "stop" {
                result.stop = try options.strings("stop") ?? []
                continue
            }
            let text: String
            switch value {
            case .int(let i): text = String(i)
            case .float64(let d): text = integerNames.contains(name) && d == d.rounded() ? String(Int(d)) : String(d)
            case .float32(let f): text = String(f)
            default: throw .badRequest("option '\(name)' must be a number")
            }
            do { try result.set(name, to: text) } catch { throw .badRequest("option '\(name)': \(error.description)") }
        }
        return result
    }

    static let integerNames: Set<String> = ["top_k", "repeat_last_n", "seed", "num_predict", "num_ctx", "num_keep"]
}
