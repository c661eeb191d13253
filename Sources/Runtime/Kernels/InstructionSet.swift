import Foundation
import KernelInterface
import KernelsAVX2
import KernelsAVX512
import KernelsPortable

/// The instruction-set variants the kernels are compiled for (Package.swift), best first. The Runtime itself
/// is compiled for baseline x86-64; a model calls the variant chosen at load through its `KernelTable`.
package enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// x86-64-v4 with AVX-512 VNNI: the AVX-512 kernels, with the integer matrix products in C (VNNIKernels.swift).
    case avx512vnni
    /// x86-64-v4: AVX-512 F/BW/CD/DQ/VL on top of AVX2.
    case avx512
    /// x86-64-v3: AVX2, FMA, F16C, BMI1/2, MOVBE.
    case avx2
    /// Baseline x86-64 (SSE2), or the plain target of another architecture.
    case portable

    /// The environment variable that overrides the choice (for tests and benchmarks).
    package static let environmentKey = "MFC_ISA"

    package var description: String {
        switch self {
        case .avx512vnni: "avx512vnni (x86-64-v4 + AVX-512 VNNI)"
        case .avx512: "avx512 (x86-64-v4)"
        case .avx2: "avx2 (x86-64-v3)"
        case .portable: "portable"
        }
    }

    /// /proc/cpuinfo flag names this level needs (its own and those of the levels below it).
    var requiredFlags: [String] {
        let v3 = ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"]
        switch self {
        case .avx512vnni: return InstructionSet.avx512.requiredFlags + ["avx512_vnni"]
        case .avx512: return v3 + ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
        case .avx2: return v3
        case .portable: return []
        }
    }

    /// The kernels compiled for this instruction set.
    var kernels: KernelTable {
        switch self {
        case .avx512vnni: VNNIKernels.table
        case .avx512: KernelsAVX512.ISAKernels.table
        case .avx2: KernelsAVX2.ISAKernels.table
        case .portable: KernelsPortable.ISAKernels.table
        }
    }

    /// Flags this CPU lacks for this level, from the `flags` line of /proc/cpuinfo (`cpuinfo`).
    /// Without a flags line (another OS or architecture) only `portable` is considered supported.
    func missingFlags(cpuinfo: String?) -> [String] {
        guard self != .portable else { return [] }
        #if arch(x86_64)
        guard let cpuinfo, let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return requiredFlags }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return requiredFlags.filter { !flags.contains($0) }
        #else
        return ["x86-64"]
        #endif
    }

    /// The levels this CPU runs, best first (always ends with `portable`).
    package static func supported(cpuinfo: String? = cpuinfo()) -> [InstructionSet] {
        allCases.filter { $0.missingFlags(cpuinfo: cpuinfo).isEmpty }
    }

    /// The level to run: `MFC_ISA` from `environment` when set, else the best this CPU supports.
    /// - Throws: `ModelError` when `MFC_ISA` names no level or one this CPU lacks (running it would crash with SIGILL).
    package static func select(environment: [String: String] = ProcessInfo.processInfo.environment,
                              cpuinfo: String? = cpuinfo()) throws(ModelError) -> InstructionSet {
        guard let requested = environment[environmentKey], !requested.isEmpty else {
            return supported(cpuinfo: cpuinfo).first ?? .portable
        }
        guard let isa = InstructionSet(rawValue: requested.lowercased()) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelError(description: "\(environmentKey)=\(requested) is not one of \(names)")
        }
        let missing = isa.missingFlags(cpuinfo: cpuinfo)
        guard missing.isEmpty else {
            throw ModelError(description: "\(environmentKey)=\(requested), but this CPU lacks \(missing.joined(separator: ", "))")
        }
        return isa
    }

    /// The level for work outside a model (the file quantizer): `select()`, or the best this CPU runs when
    /// `MFC_ISA` is not usable. Chosen once per process.
    static let preferred: InstructionSet = (try? select()) ?? supported().first ?? .portable

    /// The text of /proc/cpuinfo, or nil where there is none.
    package static func cpuinfo() -> String? {
        try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    }
}
