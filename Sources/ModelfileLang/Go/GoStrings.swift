/// Go's `strings` functions that Ollama's behaviour depends on.
public enum GoStrings {
    /// `strings.TrimSpace`: drops leading and trailing Unicode white space (Go's `unicode.IsSpace`
    /// is the White_Space property). Plain Swift, not Foundation's `trimmingCharacters`, which
    /// bridges through NSString.
    public static func trimSpace(_ s: String) -> String {
        var scalars = s.unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
