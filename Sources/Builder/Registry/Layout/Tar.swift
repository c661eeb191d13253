import Foundation

/// Writes a POSIX ustar archive entry by entry; file contents stream from disk. Sizes past the
/// 11 octal digits of ustar (8 GiB) use the base-256 form GNU tar and Go's archive/tar read.
struct TarWriter {
    let fd: Int32
    let path: String

    init(path: String) throws(StoreError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.error("cannot create", path) }
    }

    func directory(_ name: String) throws(StoreError) { try header(name, size: 0, type: UInt8(ascii: "5"), mode: 0o755) }

    func file(_ name: String, bytes: [UInt8]) throws(StoreError) {
        try header(name, size: Int64(bytes.count), type: UInt8(ascii: "0"), mode: 0o644)
        try write(bytes)
        try pad(Int64(bytes.count))
    }

    func file(_ name: String, copying source: String, size: Int64) throws(StoreError) {
        try header(name, size: size, type: UInt8(ascii: "0"), mode: 0o644)
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileIO.error("cannot open", source) }
        defer { close(input) }
        var copied: Int64 = 0
        while copied < size {
            let n = sendfile(fd, input, nil, Int(min(size - copied, 1 << 30)))
            if n < 0 { if errno == EINTR { continue }; throw FileIO.error("cannot copy", source) }
            if n == 0 { throw StoreError("\(source) is shorter than its recorded size") }
            copied += Int64(n)
        }
        try pad(size)
    }

    /// Two zero blocks end the archive; the file is made durable.
    func finish() throws(StoreError) {
        try write([UInt8](repeating: 0, count: 1024))
        guard fsync(fd) == 0 else { throw FileIO.error("cannot sync", path) }
        close(fd)
    }

    func close(_ fd: Int32) { _ = Glibc.close(fd) }

    private func header(_ name: String, size: Int64, type: UInt8, mode: Int) throws(StoreError) {
        var h = [UInt8](repeating: 0, count: 512)
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 100 else { throw StoreError("tar entry name too long: \(name)") }
        h.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        func octal(_ value: Int64, at offset: Int, width: Int) {
            let digits = Array(String(value, radix: 8).utf8)
            let padded = [UInt8](repeating: UInt8(ascii: "0"), count: width - 1 - digits.count) + digits
            h.replaceSubrange(offset..<offset + width - 1, with: padded)
        }
        octal(Int64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        if size < 0o77777777777 {
            octal(size, at: 124, width: 12)
        } else {
            h[124] = 0x80
            for i in 0..<8 { h[135 - i] = UInt8(truncatingIfNeeded: size >> (8 * i)) }
        }
        octal(0, at: 136, width: 12)
        h[156] = type
        h.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        h.replaceSubrange(263..<265, with: Array("00".utf8))
        h.replaceSubrange(148..<156, with: [UInt8](repeating: 32, count: 8))
        let sum = h.reduce(0) { $0 + Int($1) }
        octal(Int64(sum), at: 148, width: 7)
        h[155] = 32
        try write(h)
    }

    private func pad(_ size: Int64) throws(StoreError) {
        let rest = Int(size % 512)
        if rest > 0 { try write([UInt8](repeating: 0, count: 512 - rest)) }
    }

    private func write(_ bytes: [UInt8]) throws(StoreError) {
        guard bytes.withUnsafeBytes({ FileIO.writeAll(fd, $0) }) else { throw FileIO.error("cannot write", path) }
    }
}

/// Reads a tar archive entry by entry (ustar, GNU base-256 sizes, pax `path`/`size` records);
/// each regular file's content is handed out in chunks and never held whole.
struct TarReader {
    let fd: Int32
    let path: String

    init(path: String) throws(StoreError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.error("cannot open", path) }
    }

    func close() { _ = Glibc.close(fd) }

    /// Calls `body(name, size, read)` for each regular file; `read` yields the content in chunks
    /// (the caller must consume all of it). Stops at the end-of-archive blocks.
    func forEachFile(_ body: (String, Int64, (([UInt8]) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) -> Void) throws(StoreError) {
        var paxPath: String?, paxSize: Int64?
        while true {
            let h = try readExactly(512)
            if h.allSatisfy({ $0 == 0 }) { return }
            guard String(decoding: h[257..<262], as: UTF8.self) == "ustar" else { throw StoreError("\(path) is not a tar archive") }
            let stored = h[148..<156].prefix { $0 != 0 && $0 != 32 }
            var check = h
            check.replaceSubrange(148..<156, with: [UInt8](repeating: 32, count: 8))
            guard Int(String(decoding: stored, as: UTF8.self), radix: 8) == check.reduce(0, { $0 + Int($1) }) else {
                throw StoreError("\(path): a tar header's checksum does not match")
            }
            var size: Int64
            if h[124] & 0x80 != 0 {
                size = h[125..<136].reduce(Int64(0)) { ($0 << 8) | Int64($1) }
            } else {
                size = Int64(String(decoding: h[124..<135].prefix { $0 != 0 && $0 != 32 }, as: UTF8.self), radix: 8) ?? -1
            }
            guard size >= 0 else { throw StoreError("\(path): a tar header has a bad size") }
            let type = h[156]
            var name = String(decoding: h[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let prefix = String(decoding: h[345..<500].prefix { $0 != 0 }, as: UTF8.self)
            if !prefix.isEmpty { name = prefix + "/" + name }
            if type == UInt8(ascii: "x") {
                guard size < 1 << 20 else { throw StoreError("\(path): a pax header is too large") }
                let records = try readExactly(Int(size))
                try skipPadding(size)
                (paxPath, paxSize) = TarReader.pax(records)
                continue
            }
            if let p = paxPath { name = p }
            if let s = paxSize { size = s }
            paxPath = nil
            paxSize = nil
            if type == UInt8(ascii: "0") || type == 0 {
                var left = size
                try body(name, size) { consume throws(StoreError) in
                    while left > 0 {
                        let chunk = try readExactly(Int(min(left, 4 << 20)))
                        left -= Int64(chunk.count)
                        try consume(chunk)
                    }
                }
                while left > 0 { let n = try readExactly(Int(min(left, 4 << 20))).count; left -= Int64(n) }
            } else {
                try skip(size)
            }
            try skipPadding(size)
        }
    }

    /// `path` and `size` from pax records (`"%d %s=%s\n"`).
    static func pax(_ bytes: [UInt8]) -> (String?, Int64?) {
        var path: String?, size: Int64?
        for record in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let kv = record[record.index(after: space)...]
            guard let eq = kv.firstIndex(of: "=") else { continue }
            let key = kv[..<eq], value = String(kv[kv.index(after: eq)...])
            if key == "path" { path = value }
            if key == "size" { size = Int64(value) }
        }
        return (path, size)
    }

    private func skip(_ size: Int64) throws(StoreError) {
        var left = size
        while left > 0 { left -= Int64(try readExactly(Int(min(left, 4 << 20))).count) }
    }

    private func skipPadding(_ size: Int64) throws(StoreError) {
        let rest = Int(size % 512)
        if rest > 0 { _ = try readExactly(512 - rest) }
    }

    private func readExactly(_ count: Int) throws(StoreError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, count - done) }
            if n < 0 { if errno == EINTR { continue }; throw FileIO.error("cannot read", path) }
            if n == 0 { throw StoreError("\(path) ends in the middle of an entry") }
            done += n
        }
        return out
    }
}
