import Foundation

/// Writes a file through a temporary sibling and `rename`, keeping the original's permissions,
/// so readers never see a half-written Modelfile.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func write(_ text: String, to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temp = directory + "/.\(name).mfc-fmt-\(getpid())"
        var mode: mode_t = 0o644
        var st = stat()
        if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 }
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let message = String(cString: strerror(errno))
                close(fd); unlink(temp)
                throw Failure(description: message)
            }
            offset += n
        }
        bytes.removeAll()
        fchmod(fd, mode)
        guard fsync(fd) == 0, close(fd) == 0 else { unlink(temp); throw Failure(description: "cannot flush \(temp)") }
        guard rename(temp, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(description: message)
        }
    }
}
