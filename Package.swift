// swift-tools-version: 6.0
import PackageDescription

// The hot kernels (Sources/Runtime/Kernels/ISA) are compiled three times, each into its own module with its
// own instruction set (`-Xcc -march` reaches Swift code too), and the
// Runtime picks one at run time (Runtime/Kernels/InstructionSet.swift). KernelsAVX512 reads the folder itself;
// Sources/KernelsAVX2 and Sources/KernelsPortable hold symlinks to its files. Everything else is compiled for
// baseline x86-64, so `mfc build` runs on any x86-64 CPU.

/// Optimized in debug builds too: unoptimized SIMD kernels are ~50x slower, which would make the model tests
/// take many minutes under `swift test`.
let optimizedInDebug = SwiftSetting.unsafeFlags(["-O"], .when(configuration: .debug))

/// The settings of one kernel variant: `march` for x86-64 (nil = baseline) and whether it has FMA.
func kernelSettings(march: String?, fma: Bool) -> [SwiftSetting] {
    var flags: [String] = []
    #if arch(x86_64)
    if let march { flags += ["-Xcc", "-march=\(march)"] }
    if fma { flags += ["-DISA_FMA"] }
    #endif
    return [.unsafeFlags(flags), optimizedInDebug]
}
let package = Package(
    name: "mfc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mfc", targets: ["mfc"]),
        .library(name: "ModelfileLang", targets: ["ModelfileLang"]),
        // HTTPS (URLSession, so libcurl): loaded by mfc only when a URL needs TLS (Builder/Registry/HTTPSLibrary.swift).
        .library(name: "MFCHTTPS", type: .dynamic, targets: ["HTTPSTransport"]),
    ],
    targets: [
        .target(name: "ModelfileLang"),
        .target(name: "KernelInterface", path: "Sources/Runtime/Kernels/Interface"),
        // x86-64-v4 = AVX-512F/BW/CD/DQ/VL on top of v3; x86-64-v3 = AVX2, FMA, F16C, BMI1/2, MOVBE.
        .target(name: "KernelsAVX512", dependencies: ["KernelInterface"], path: "Sources/Runtime/Kernels/ISA",
                swiftSettings: kernelSettings(march: "x86-64-v4", fma: true)),
        .target(name: "KernelsAVX2", dependencies: ["KernelInterface"],
                swiftSettings: kernelSettings(march: "x86-64-v3", fma: true)),
        .target(name: "KernelsPortable", dependencies: ["KernelInterface"],
                swiftSettings: kernelSettings(march: nil, fma: false)),
        // The integer matrix kernels on AVX-512 VNNI, which Swift does not emit (per-function target attributes;
        // optimized in debug builds too, like the Swift kernels).
        .target(name: "CKernelsVNNI", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(
            name: "Runtime",
            dependencies: ["ModelfileLang", "KernelInterface", "KernelsAVX512", "KernelsAVX2", "KernelsPortable", "CKernelsVNNI"],
            exclude: ["Kernels/ISA", "Kernels/Interface"],
            swiftSettings: [optimizedInDebug]
        ),
        // SHA-256 on the x86 SHA extensions (per-function target attributes; no global flags).
        .target(name: "CSHA256"),
        // The kernel calls of the import copy that Glibc's Swift module lacks (copy_file_range, sync_file_range).
        .target(name: "CFileCopy"),
        .target(name: "Builder", dependencies: ["Runtime", "ModelfileLang", "CSHA256", "CFileCopy", "HTTPSInterface"]),
        // The C calls between mfc and the MFCHTTPS library, and the library itself.
        .target(name: "HTTPSInterface"),
        .target(name: "HTTPSTransport", dependencies: ["HTTPSInterface"]),
        // A small HTTP/1.1 server on sockets; the API layer (Server) answers Ollama's and OpenAI's requests.
        .target(name: "HTTPServer"),
        .target(name: "Server", dependencies: ["HTTPServer", "Builder", "Runtime", "ModelfileLang"]),
        .executableTarget(name: "mfc", dependencies: ["Server", "Builder", "Runtime", "ModelfileLang"]),
        .target(name: "TestSupport", dependencies: ["ModelfileLang"], path: "Tests/Support"),
        .testTarget(name: "ModelfileLangTests", dependencies: ["ModelfileLang", "TestSupport"],
                    exclude: ["Template/Conformance"]),   // corpus data, read from the source tree
        // Small generated models for the runtime, build and CLI tests.
        .target(name: "ModelTestSupport", dependencies: ["Runtime"], path: "Tests/ModelSupport", swiftSettings: [optimizedInDebug]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TestSupport", "ModelTestSupport"], exclude: ["Data"]),
        .testTarget(name: "BuilderTests", dependencies: ["Builder", "Runtime", "TestSupport", "ModelTestSupport"]),
        .testTarget(name: "mfcTests", dependencies: ["mfc", "Server", "TestSupport", "ModelTestSupport"],
                    exclude: ["Registry/fake-registry.py", "Registry/token-service.py"]),   // run by the registry tests
        .testTarget(name: "ServerTests", dependencies: ["HTTPServer", "Server", "mfc", "TestSupport"], exclude: ["Clients"]),
    ],
    swiftLanguageModes: [.v6]
)
