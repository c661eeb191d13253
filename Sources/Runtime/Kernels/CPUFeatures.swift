import Foundation

/// The instruction sets the Runtime is compiled for (`-Xcc -march=x86-64-v4` in Package.swift) and a
/// check that this CPU has them, so a model load on an older CPU fails with a message instead of SIGILL.
/// (There is no run-time dispatch yet: the whole Runtime module is built for x86-64-v4.)
public enum CPUFeatures {
    /// /proc/cpuinfo flag names x86-64-v4 needs (v4 adds AVX-512 F/BW/CD/DQ/VL to v3's AVX2, FMA, F16C, BMI).
    static let required = ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]

    /// Required features this CPU lacks (empty when it has them all, or when the flags cannot be read).
    public static func missing(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> [String] {
        #if arch(x86_64) && os(Linux)
        guard let cpuinfo, let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return required.filter { !flags.contains($0) }
        #else
        return []
        #endif
    }
}
