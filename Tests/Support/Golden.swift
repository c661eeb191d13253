import Foundation

/// Golden files: expected output committed beside the input. `MFC_BLESS=1 swift test` rewrites them.
public enum Golden {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }   // Tests/Support/Golden.swift -> root
        return url.path
    }()

    public static var blessing: Bool { ProcessInfo.processInfo.environment["MFC_BLESS"] == "1" }

    /// Returns nil when `actual` matches the file (or the file was blessed), else a readable diff.
    public static func compare(_ actual: String, toFileAt path: String) -> String? {
        if blessing {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "golden file missing: \(path) (run with MFC_BLESS=1 to create it)"
        }
        if expected == actual { return nil }
        return lineDiff(expected: expected, actual: actual, label: path)
    }

    /// A compact diff: the first differing line with a little context.
    public static func lineDiff(expected: String, actual: String, label: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        while i < min(e.count, a.count), e[i] == a[i] { i += 1 }
        var s = "golden mismatch in \(label) at line \(i + 1)\n"
        for j in max(0, i - 2)..<min(max(e.count, a.count), i + 3) {
            if j < e.count { s += "- \(e[j])\n" }
            if j < a.count { s += "+ \(a[j])\n" }
        }
        return s
    }
}
