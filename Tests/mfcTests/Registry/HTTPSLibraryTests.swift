import Foundation
import Testing
import TestSupport
@testable import mfc

/// HTTPS goes through the MFCHTTPS library, which mfc loads only when a URL needs TLS: pushes and
/// pulls to a registry behind TLS work, and commands without TLS never load libcurl.
@Suite(.serialized) struct HTTPSLibraryTests {
    /// The CA bundle FoundationNetworking hands to libcurl on Debian (the first of its candidates).
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    /// Runs the built mfc with the dynamic loader's file log (LD_DEBUG=files, on standard error);
    /// with `trusting`, in a private mount namespace where that certificate is the system's CA
    /// bundle, so libcurl trusts the test registry without touching this machine's trust store.
    static func mfc(_ arguments: [String], trusting certificate: String? = nil) throws -> ChildResult {
        var command = [builtMFC()] + arguments
        if let certificate {
            let unshare = try #require(LocalRegistry.which("unshare"), "unshare (util-linux) is not installed")
            command = [unshare, "--mount", "sh", "-c", #"mount --bind "$1" "$2" && shift 2 && exec "$@""#, "sh", certificate, systemBundle] + command
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: command[0])
        child.arguments = Array(command.dropFirst())
        child.environment = ProcessInfo.processInfo.environment.merging(["LD_DEBUG": "files"]) { $1 }
        let out = Pipe(), err = Pipe()
        child.standardOutput = out
        child.standardError = err
        child.standardInput = FileHandle.nullDevice
        try child.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return ChildResult(status: child.terminationStatus, signaled: child.terminationReason == .uncaughtSignal,
                           out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }

    @Test func pushAndPullThroughTLS() throws {
        let registry = try LocalRegistry(tls: true)
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, remote, original) = try RegistryTests.marioReadyToPush(registry, in: dir)

        // Not trusted: the TLS handshake fails, and says why.
        let refused = try Self.mfc(["push", remote, "--store", store])
        #expect(refused.status == 1, "\(refused.err)")
        #expect(refused.err.lowercased().contains("certificate"), "\(refused.err.suffix(2000))")

        let push = try Self.mfc(["push", remote, "--store", store], trusting: registry.certificatePath)
        #expect(push.status == 0, "\(push.err.suffix(2000))")
        #expect(push.out.contains("6 blobs uploaded"), "\(push.out)")
        #expect(push.err.contains("libMFCHTTPS.so"), "the HTTPS library was not loaded")

        for name in ["mario", "smollm2-chat", remote] { #expect(runMFC(["rm", name, "--store", store]).status == 0) }
        let pull = try Self.mfc(["pull", remote, "--store", store], trusting: registry.certificatePath)
        #expect(pull.status == 0, "\(pull.err.suffix(2000))")
        #expect(RegistryTests.manifest(store, "\(registry.host)/team/mario/latest") == original)
        let verify = runMFC(["verify", "--store", store])
        #expect(verify.status == 0 && verify.out.contains("ok: "), "\(verify.out)")
    }

    @Test func commandsWithoutTLSDoNotLoadLibcurl() throws {
        let dir = try examplesFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for arguments in [["--version"], ["lint", dir + "/mario.Modelfile"], ["build", dir, "--store", dir + "/store"], ["list", "--store", dir + "/store"]] {
            let r = try Self.mfc(arguments)
            #expect(r.status == 0, "\(arguments): \(r.err.suffix(2000))")
            // The loader's log names every library it loads; it must be running for the check to mean anything.
            #expect(r.err.contains("libswiftCore.so"), "no loader log for \(arguments)")
            #expect(!r.err.contains("libcurl") && !r.err.contains("libMFCHTTPS"), "\(arguments) loaded libcurl")
        }
    }
}
