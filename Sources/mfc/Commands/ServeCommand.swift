import Builder
import Foundation
import Runtime
import Server

/// `mfc serve`: Ollama's HTTP API and the OpenAI-compatible API over the model store.
enum ServeCommand: MFCCommand {
    static let info = CommandInfo(
        name: "serve", abstract: "Serve the models over Ollama's HTTP API and the OpenAI-compatible API.",
        usage: "[--host HOST:PORT] [options]",
        discussion: """
        Listens on HOST:PORT (default: \(addressDefaults); port 0 picks a free one) \
        and logs one line per request on standard error. Models load on first use and stay loaded for keep_alive \
        (default 5m). Browsers may call it from localhost and app origins, plus those in $OLLAMA_ORIGINS. \
        SIGINT or SIGTERM stops it after cancelling open streams.
        """,
        options: [
            OptionSpec(["--host"], value: "HOST:PORT", help: "Address to listen on."),
            OptionSpec(["--parallel"], value: "N", help: "Requests one model serves at once (default: $OLLAMA_NUM_PARALLEL, else 1)."),
            OptionSpec(["--max-loaded"], value: "N", help: "Models loaded at once (default: $OLLAMA_MAX_LOADED_MODELS, else 3)."),
            OptionSpec(["--max-memory"], value: "BYTES", help: "Bytes of models loaded at once, least recently used unloaded first (default: no limit)."),
            OptionSpec(["--max-queue"], value: "N", help: "Requests waiting per model before 503 (default: $OLLAMA_MAX_QUEUE, else 512)."),
            OptionSpec(["--keep-alive"], value: "DURATION", help: "Default keep_alive, e.g. 5m, 0, -1 (default: $OLLAMA_KEEP_ALIVE, else 5m)."),
            OptionSpec(["--threads"], value: "N", help: "Worker threads per loaded model (default: $MFC_SERVE_THREADS, else the cores)."),
            OptionSpec(["--kv-cache-type"], value: "TYPE", help: "KV cache storage: f16, q8_0 or q4_0 (default: $MFC_KV_CACHE_TYPE, else $OLLAMA_KV_CACHE_TYPE, else f16)."),
            OptionSpec(["--kv-budget"], value: "BYTES", help: "Bytes of KV cache a model's slots keep; idle cached prompts are dropped, least recently used first (default: no limit)."),
            OptionSpec(["--no-prompt-cache"], help: "Evaluate every prompt whole instead of reusing a slot's cached prefix (for measurements)."),
            OptionSpec(["--max-body"], value: "BYTES", help: "Largest request body accepted (default 64 MiB; blob uploads up to 16 GiB)."),
            OptionSpec(["--header-timeout"], value: "SECONDS", help: "Time a client has to send a request's headers (default 10)."),
            StoreAccess.option,
        ],
        positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let env = console.environment
        var config = ServeConfiguration(storeRoot: ModelStore.defaultRoot(option: args.value("--store"), environment: env))
        do { (config.host, config.port) = try ServeConfiguration.parseHost(address(option: args.value("--host"), environment: env)) } catch {
            throw UsageError(error.message)
        }
        func count(_ option: String, _ variable: String, minimum: Int) throws(UsageError) -> Int? {
            guard let text = args.value(option) ?? nonEmpty(env[variable]) else { return nil }
            guard let n = Int(text), n >= minimum else { throw UsageError("\(option) (or \(variable)) needs an integer >= \(minimum), got '\(text)'") }
            return n
        }
        config.scheduler.parallel = try count("--parallel", "OLLAMA_NUM_PARALLEL", minimum: 1) ?? 1
        config.scheduler.maxLoaded = try count("--max-loaded", "OLLAMA_MAX_LOADED_MODELS", minimum: 1) ?? 3
        config.scheduler.maxQueue = try count("--max-queue", "OLLAMA_MAX_QUEUE", minimum: 0) ?? 512
        let cores = ProcessInfo.processInfo.activeProcessorCount
        config.scheduler.threads = try count("--threads", "MFC_SERVE_THREADS", minimum: 1) ?? max(1, cores)
        if let text = args.value("--keep-alive") ?? nonEmpty(env["OLLAMA_KEEP_ALIVE"]) {
            guard let k = KeepAlive(text: text) else { throw UsageError("--keep-alive needs a duration such as 5m, 0 or -1, got '\(text)'") }
            config.scheduler.defaultKeepAlive = k
        }
        if let text = args.value("--max-body") {
            guard let n = Int(text), n > 0 else { throw UsageError("--max-body needs a positive number of bytes, got '\(text)'") }
            config.http.maxBodyBytes = n
        }
        if let text = args.value("--max-memory") {
            guard let n = Int64(text), n > 0 else { throw UsageError("--max-memory needs a positive number of bytes, got '\(text)'") }
            config.scheduler.maxMemory = n
        }
        if let text = args.value("--kv-cache-type") ?? nonEmpty(env["MFC_KV_CACHE_TYPE"]) ?? nonEmpty(env["OLLAMA_KV_CACHE_TYPE"]) {
            guard let type = KVCacheType(rawValue: text.lowercased()) else {
                throw UsageError("--kv-cache-type (or MFC_KV_CACHE_TYPE, OLLAMA_KV_CACHE_TYPE) needs f16, q8_0 or q4_0, got '\(text)'")
            }
            config.scheduler.kvCacheType = type
        }
        if let text = args.value("--kv-budget") {
            guard let n = Int(text), n > 0 else { throw UsageError("--kv-budget needs a positive number of bytes, got '\(text)'") }
            config.scheduler.kvBudget = n
        }
        config.scheduler.promptCache = !args.flag("--no-prompt-cache")
        if let text = args.value("--header-timeout") {
            guard let n = Int(text), n > 0 else { throw UsageError("--header-timeout needs a positive number of seconds, got '\(text)'") }
            config.http.headerTimeout = .seconds(n)
        }
        config.origins = env["OLLAMA_ORIGINS"]
        config.version = MFC.version

        let stderr = console.stderr
        let server = APIServer(configuration: config) { line in stderr.write("[serve] \(line)\n") }
        let port = try server.bind()
        stderr.write("mfc serve: listening on \(config.host.contains(":") ? "[\(config.host)]" : config.host):\(port) (models in \(config.storeRoot))\n")
        server.run()
        stderr.write("mfc serve: stopped\n")
        return ExitStatus.success
    }

    /// Where the server listens and `ps`/`stop` find it, as `addressDefaults` says.
    static func address(option: String?, environment: [String: String]) -> String {
        option ?? nonEmpty(environment["MFC_HOST"]) ?? nonEmpty(environment["OLLAMA_HOST"]) ?? "127.0.0.1:11434"
    }

    static let addressDefaults = "$MFC_HOST, else $OLLAMA_HOST, else 127.0.0.1:11434"

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}
