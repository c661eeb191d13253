#if canImport(Glibc)
import Glibc
#endif
import Dispatch

extension HTTPServer {
    /// Shuts the server down gracefully on SIGINT or SIGTERM (streams are cancelled at their next
    /// write, idle connections close). Returns the sources, which must be kept alive.
    package func shutdownOnSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in shutdown() }
            source.resume()
            return source
        }
    }
}
