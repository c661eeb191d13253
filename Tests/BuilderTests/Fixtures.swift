import Foundation
@testable import Builder

/// A fresh empty folder under the system temp dir, removed by the caller with `cleanup`.
func temporaryDirectory(_ label: String = "mfc") -> String {
    let path = NSTemporaryDirectory() + "\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func cleanup(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// The minimal GGUF of gguf spec §2: version 3, no tensors, one KV `general.architecture = arch`.
func minimalGGUF(architecture: String = "test") -> [UInt8] {
    var b: [UInt8] = Array("GGUF".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
    func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
    u32(3); u64(0); u64(1)
    str("general.architecture"); u32(8); str(architecture)
    return b
}

/// Writes a file (creating folders).
func write(_ text: String, to path: String) {
    try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

/// Writes a file.
func writeBytes(_ bytes: [UInt8], to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

/// A wall clock an hour ahead: to the stat cache every file a test just wrote is past the racy
/// window (files changed in the last two seconds are re-hashed on every build), so tests need
/// neither sleep nor backdate files.
let laterClock = WallClock.offset(seconds: 3600)
