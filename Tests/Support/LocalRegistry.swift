import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real CNCF distribution registry (Debian's `docker-registry`) on a free local port, storing
/// into a temporary folder; optionally behind htpasswd basic auth, or behind token auth with a
/// token service (`token-service.py`) started beside it. Its access log counts requests.
public final class LocalRegistry {
    public let directory: String
    public let port: Int
    let process = Process()
    /// The token service in token mode.
    private var tokenService: Process?
    public var host: String { "127.0.0.1:\(port)" }
    public var logPath: String { directory + "/registry.log" }

    public struct Unavailable: Error, CustomStringConvertible { public let description: String }

    /// The scopes of each request the token service got, one line per request (token mode).
    public var tokenRequests: [String] {
        ((try? String(contentsOfFile: directory + "/token/token-requests.log", encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The certificate the registry serves in TLS mode (self-signed, for 127.0.0.1).
    public var certificatePath: String { directory + "/tls/cert.pem" }

    public init(basicAuth: (user: String, password: String)? = nil, tokenAuth: (user: String, password: String)? = nil,
                tls: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mfc-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        port = try LocalRegistry.freePort()
        var config = """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: \(directory)/data
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:\(port)

        """
        if tls {
            try FileManager.default.createDirectory(atPath: directory + "/tls", withIntermediateDirectories: true)
            try LocalRegistry.output(of: "openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                                                     "-keyout", directory + "/tls/key.pem", "-out", certificatePath,
                                                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
            config += "  tls:\n    certificate: \(certificatePath)\n    key: \(directory)/tls/key.pem\n"
        }
        if let auth = basicAuth {
            // bcrypt, the only hash the distribution registry's htpasswd reader accepts.
            let line = try LocalRegistry.output(of: "htpasswd", ["-Bbn", auth.user, auth.password])
            try line.write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
            config += "auth:\n  htpasswd:\n    realm: mfc-test\n    path: \(directory)/htpasswd\n"
        }
        if let auth = tokenAuth {
            let realm = try startTokenService(auth)
            config += """
            auth:
              token:
                realm: \(realm)
                service: mfc-test-registry
                issuer: mfc-test-issuer
                rootcertbundle: \(directory)/token/cert.pem

            """
        }
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        guard let binary = LocalRegistry.which("docker-registry") else {
            throw Unavailable(description: "docker-registry is not installed (apt-get install docker-registry)")
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", directory + "/config.yml"]
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        guard LocalRegistry.waitForPort(port, seconds: 20) else {
            stop()
            throw Unavailable(description: "docker-registry did not start: \(log_)")
        }
    }

    private var log_: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Requests the registry logged so far with this method whose path contains `fragment`.
    public func requests(_ method: String, containing fragment: String = "/v2/") -> Int {
        log_.split(separator: "\n").filter { $0.contains("\"\(method) ") && $0.contains(fragment) && $0.contains(" HTTP/1.1\"") }.count
    }

    /// Starts the token service (it makes the key and certificate); returns its realm URL.
    private func startTokenService(_ auth: (user: String, password: String)) throws -> String {
        let folder = directory + "/token"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let python = LocalRegistry.which("python3") else { throw Unavailable(description: "python3 is not installed") }
        guard LocalRegistry.which("openssl") != nil else { throw Unavailable(description: "openssl is not installed") }
        let service = Process()
        service.executableURL = URL(fileURLWithPath: python)
        service.arguments = [Golden.repositoryRoot + "/Tests/mfcTests/Registry/token-service.py", folder,
                             "\(auth.user):\(auth.password)", "mfc-test-issuer", "mfc-test-registry"]
        service.standardOutput = FileHandle.nullDevice
        try service.run()
        tokenService = service
        for _ in 0..<200 {
            if let port = try? String(contentsOfFile: folder + "/port", encoding: .utf8), !port.isEmpty {
                return "http://127.0.0.1:\(port)/token"
            }
            guard service.isRunning else { break }
            usleep(100_000)
        }
        stop()
        throw Unavailable(description: "the token service did not start")
    }

    public func stop() {
        if let service = tokenService, service.isRunning { kill(service.processIdentifier, SIGKILL); service.waitUntilExit() }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw Unavailable(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    public static func waitForPort(_ port: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return true }
            usleep(100_000)
        }
        return false
    }

    public static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/sbin", "/usr/bin"] {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a tool and returns its standard output; throws when it is missing or fails.
    @discardableResult
    public static func output(of tool: String, _ arguments: [String]) throws -> String {
        guard let path = which(tool) else { throw Unavailable(description: "\(tool) is not installed") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Unavailable(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A temporary folder with examples/ (SmolLM2 import and the Mario persona) ready to build.
public func examplesFolder() throws -> String {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("mfc-registry-ex-\(UUID().uuidString)").path
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for file in ["smollm2-chat.Modelfile", "mario.Modelfile"] {
        try fm.copyItem(atPath: Golden.repositoryRoot + "/examples/" + file, toPath: dir + "/" + file)
    }
    try fm.createSymbolicLink(atPath: dir + "/smollm2.gguf", withDestinationPath: TestModels.smolLM2())
    return dir
}
