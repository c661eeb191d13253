/// The one Modelfile quoting of the project: `mfc fmt` and `mfc show --modelfile` use it.
public enum ModelfileQuoting {
    /// The lightest quoting of an instruction value that the parser reads back as exactly
    /// `value` (each candidate is read back to check): bare, `"..."`, then `"""..."""` for one-line
    /// values; `"""..."""`, then `"..."` for multi-line ones. nil when none reads back.
    public static func quote(_ value: String) -> String? {
        let multiline = value.utf8.contains { $0 == 0x0A || $0 == 0x0D }
        let bare = value, double = "\"" + value + "\"", triple = "\"\"\"" + value + "\"\"\""
        let candidates = multiline ? [triple, double] : (value.isEmpty ? [double] : [bare, double, triple])
        return candidates.first { readsBack($0, as: value) }
    }

    /// Whether `text` reads back as exactly `value`, with nothing dropped.
    static func readsBack(_ text: String, as value: String) -> Bool {
        Lexer.readValue(text, allowDropped: false) == value
    }
}
