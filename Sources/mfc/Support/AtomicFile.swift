import Foundation

/// Rewrites a file the user asked to change (`fmt -w`, `lint --fix`) the way an editor should:
/// a symlink is followed and its target rewritten; mode and owner are kept; a file with several
/// hard links is rewritten in place so every link sees the new text; a file the user may not
/// write is refused. Otherwise the text goes to a temporary sibling that is renamed over the
/// file, so readers never see half of it.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func write(_ text: String, to path: String) throws(Failure) {
        guard let resolved = realpath(path, nil) else { throw Failure(description: String(cString: strerror(errno))) }
        let target = String(cString: resolved)
        free(resolved)
        var st = stat()
        guard stat(target, &st) == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw Failure(description: "not a regular file") }
        guard mayWrite(target, st) else {
            throw Failure(description: "the file is read-only (mode \(String(st.st_mode & 0o7777, radix: 8))); make it writable first")
        }
        let bytes = Array(text.utf8)
        if st.st_nlink > 1 {
            try rewriteInPlace(bytes, target)
        } else {
            try replace(bytes, target, st)
        }
    }

    /// `access(W_OK)`, except that root (whom `access` always allows) is held to the mode bits,
    /// as `rm` asks before removing a write-protected file.
    static func mayWrite(_ path: String, _ st: stat) -> Bool {
        if getuid() == 0 { return st.st_mode & 0o222 != 0 }
        return access(path, W_OK) == 0
    }

    /// Truncates and writes the same inode (keeps hard links; not atomic).
    static func rewriteInPlace(_ bytes: [UInt8], _ target: String) throws(Failure) {
        let fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        let ok = writeAll(fd, bytes) && fsync(fd) == 0
        let message = String(cString: strerror(errno))
        close(fd)
        guard ok else { throw Failure(description: message) }
    }

    /// Writes a temporary sibling with the original's mode and owner, then renames it over.
    static func replace(_ bytes: [UInt8], _ target: String, _ st: stat) throws(Failure) {
        let directory = (target as NSString).deletingLastPathComponent
        let temp = directory + "/.\((target as NSString).lastPathComponent).mfc-tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 0o7777)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        _ = fchown(fd, st.st_uid, st.st_gid)   // may fail for another user's group: the mode still holds
        fchmod(fd, st.st_mode & 0o7777)
        guard writeAll(fd, bytes), fsync(fd) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd); unlink(temp)
            throw Failure(description: message)
        }
        close(fd)
        guard rename(temp, target) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(description: message)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }
}
