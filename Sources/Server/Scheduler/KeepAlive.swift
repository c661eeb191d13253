import Builder
import Foundation

/// How long a model stays loaded after a request: a duration, 0 (unload now) or forever (negative).
package enum KeepAlive: Sendable, Equatable {
    case forever
    case seconds(Double)

    package static let `default` = KeepAlive.seconds(300)

    /// Ollama's forms: a number of seconds, or a Go duration string ("5m", "1h30m", "0", "-1m");
    /// negative means forever.
    package init(json: JSON) throws(APIError) {
        switch json {
        case .string(let s):
            guard let v = KeepAlive.parseGoDuration(s) ?? Double(s) else {
                throw .badRequest("field 'keep_alive' must be a duration such as \"5m\" or a number of seconds, got \"\(s)\"")
            }
            self = v < 0 ? .forever : .seconds(v)
        default:
            guard let v = json.doubleValue else { throw .badRequest("field 'keep_alive' must be a duration string or a number of seconds") }
            self = v < 0 ? .forever : .seconds(v)
        }
    }

    /// `OLLAMA_KEEP_ALIVE`-style text.
    package init?(text: String) {
        guard let v = KeepAlive.parseGoDuration(text) ?? Double(text) else { return nil }
        self = v < 0 ? .forever : .seconds(v)
    }

    /// Seconds in Go's `time.ParseDuration` syntax: a sign, then number+unit pairs (ns us µs ms s m h).
    static func parseGoDuration(_ text: String) -> Double? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if s.first == "-" { sign = -1; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        if s == "0" { return 0 }
        guard !s.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        while !s.isEmpty {
            let number = s.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let v = Double(number) else { return nil }
            s = s.dropFirst(number.count)
            guard let unit = units.first(where: { s.hasPrefix($0.0) && !(($0.0 == "m") && s.hasPrefix("ms")) }) else { return nil }
            s = s.dropFirst(unit.0.count)
            total += v * unit.1
        }
        return sign * total
    }

    /// The expiry time counted from `now` (nil: never).
    func expiry(from now: Date) -> Date? {
        switch self {
        case .forever: nil
        case .seconds(let s): now.addingTimeInterval(s)
        }
    }
}
