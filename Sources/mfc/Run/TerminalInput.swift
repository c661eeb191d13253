import Foundation
import Synchronization

/// Set by the SIGINT handler; a signal handler can reach only global state.
private let interruptRequested = Atomic<Bool>(false)

/// Ctrl-C handling and line input for the interactive chat on a terminal.
enum TerminalInput {
    /// Installs a SIGINT handler that only records the request (no SA_RESTART, so a blocked
    /// read returns EINTR and the prompt can react), and unblocks SIGINT on this thread: a parent
    /// may start mfc with it blocked (a child inherits the mask, e.g. from Foundation's Process
    /// called on a Dispatch thread), and then Ctrl-C would never arrive.
    static func catchInterrupts() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptRequested.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }

    /// True (once) if Ctrl-C was pressed since the last call.
    static func takeInterrupt() -> Bool {
        interruptRequested.exchange(false, ordering: .relaxed)
    }

    /// Reads one line from standard input after writing `prompt`.
    static func readLine(prompt: String, write: (String) -> Void) -> LineInput {
        write(prompt)
        _ = takeInterrupt()
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n == 1 {
                if byte == 0x0A { return .line(String(decoding: bytes, as: UTF8.self)) }
                bytes.append(byte)
            } else if n == 0 {
                return bytes.isEmpty ? .end : .line(String(decoding: bytes, as: UTF8.self))
            } else if errno == EINTR {
                if takeInterrupt() { return .interrupted }
            } else {
                return .end
            }
        }
    }
}
