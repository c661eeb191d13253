// swift-tools-version: 6.0
import PackageDescription

// Kernels need AVX-512/AVX2 code generation; `-Xcc -march` reaches Swift code too
// (see ../shared/notes/swift-kernels.md). Only the Runtime needs it.
let package = Package(
    name: "mfc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mfc", targets: ["mfc"]),
        .library(name: "ModelfileLang", targets: ["ModelfileLang"]),
    ],
    targets: [
        .target(name: "ModelfileLang"),
        .target(
            name: "Runtime", dependencies: ["ModelfileLang"],
            // AVX-512 code generation for the SIMD kernels (x86-64-v4 = AVX-512F/BW/DQ/VL + AVX2/FMA/F16C).
            // Optimized in debug builds too: unoptimized SIMD kernels are ~50x slower, which would make the
            // model tests take many minutes under `swift test`.
            swiftSettings: [
                .unsafeFlags(["-Xcc", "-march=x86-64-v4"]),
                .unsafeFlags(["-O"], .when(configuration: .debug)),
            ]
        ),
        // SHA-256 on the x86 SHA extensions (per-function target attributes; no global flags).
        .target(name: "CSHA256"),
        .target(name: "Builder", dependencies: ["Runtime", "ModelfileLang", "CSHA256"]),
        .executableTarget(name: "mfc", dependencies: ["Builder", "Runtime", "ModelfileLang"]),
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "ModelfileLangTests", dependencies: ["ModelfileLang", "TestSupport"],
                    exclude: ["Template/Conformance"]),   // corpus data, read from the source tree
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TestSupport"], exclude: ["Data"]),
        .testTarget(name: "BuilderTests", dependencies: ["Builder", "Runtime", "TestSupport"]),
        .testTarget(name: "mfcTests", dependencies: ["mfc", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
