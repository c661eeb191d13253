/// Go template text that prints Ollama's tool data the way a Jinja chat template's `tojson` prints
/// the same tools through Python's `json.dumps` (transformers' filter: `", "` and `": "` between
/// items, or `indent` spaces per level; non-ASCII text unescaped).
///
/// Ollama's `json` function cannot do that: it writes Go's compact JSON with `<`, `>` and `&`
/// escaped. The family templates therefore carry these `define`s, built from Go's builtins only, so
/// Ollama runs them too. What they cannot reproduce (docs/chat-templates.md, "Tools"): the key order
/// of the request (a tool is written type, function{name, description, parameters{type, properties,
/// required}}, a property in Ollama's field order, maps with sorted keys, as Ollama hands them to
/// templates), and nested `properties`/`anyOf`, which are written as Go's compact JSON.
struct PythonJSON {
    /// Spaces per level, or nil for one line.
    let indent: Int?

    /// Levels of nesting the indented value printer unrolls (Go templates cannot pass an indent
    /// along); deeper values are written as Go's compact JSON.
    private static let deepest = 9

    /// The name of the define that prints `.` (a `template.templateTool`).
    var toolDefine: String { indent == nil ? "py-tool" : "py-tool-indent" }

    /// The `define`s: the tool printer, its property printer, and the value printers it calls
    /// (with one line, also the printer `compactValue` calls).
    var defines: String {
        var text = ""
        if indent == nil {
            text += Self.compactValueDefine
        } else {
            for level in 4...Self.deepest {
                text += define(valueName(level), level == Self.deepest ? "{{ json . }}" : anyValue(level: level, next: valueName(level + 1)))
            }
        }
        text += define(propertyName, property(level: 4))
        text += define(parametersDefine, parameters)
        text += define(toolDefine, tool)
        return text
    }

    /// Go template text printing the value of `expression` (any JSON value) on one line, as
    /// `json.dumps` without indent does: the printer for tool-call arguments. Needs `compactValueDefine`.
    static func compactValue(_ expression: String) -> String { "{{ template \"py-json\" \(expression) }}" }

    /// The `define` that `compactValue` calls.
    static var compactValueDefine: String {
        let oneLine = PythonJSON(indent: nil)
        return oneLine.define("py-json", oneLine.anyValue(level: 0, next: "py-json"))
    }

    /// The name of the define that prints `.` (a tool's `parameters`, at the third level).
    var parametersDefine: String { indent == nil ? "py-parameters" : "py-parameters-indent" }

    private var propertyName: String { indent == nil ? "py-property" : "py-property-indent" }
    private func valueName(_ level: Int) -> String { indent == nil ? "py-json" : "py-json-indent-\(level)" }

    private func define(_ name: String, _ body: String) -> String { "{{- define \"\(name)\" }}\(body){{ end -}}\n" }

    /// A Go string literal for `s`.
    private func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\n", with: "\\n") + "\"" }

    /// What goes before an item at `level`: a newline and its indent, or nothing on one line.
    private func newline(_ level: Int) -> String { indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? "" }
    private var comma: String { indent == nil ? ", " : "," }

    /// A JSON object whose members sit at `level + 1`: each (key, condition, value); a member whose
    /// condition is false is left out, so separators go through a variable.
    private func object(level: Int, _ members: [(key: String, condition: String?, value: String)]) -> String {
        let v = "$s\(level)"
        var text = "{{ \"{\" }}{{ \(v) := \(quoted(newline(level + 1))) }}"
        for m in members {
            let member = "{{ \(v) }}\"\(m.key)\": \(m.value){{ \(v) = \(quoted(comma + newline(level + 1))) }}"
            text += m.condition.map { "{{ if \($0) }}\(member){{ end }}" } ?? member
        }
        return text + "{{ \(quoted(newline(level) + "}")) }}"
    }

    /// A non-empty list whose items, printed by `item` (dot is the item), sit at `level + 1`.
    private func list(_ expression: String, level: Int, item: String) -> String {
        "[{{ range $i, $_ := \(expression) }}{{ if $i }}\(comma){{ end }}\(newline(level + 1))\(item){{ end }}\(newline(level))]"
    }

    /// Any JSON value (dot) as `json.dumps` prints it, at `level`; nested values go to `next`.
    private func anyValue(level: Int, next: String) -> String {
        let isMap = "eq (printf \"%T\" .) \"map[string]interface {}\" \"template.templateArgs\""
        let isList = "eq (printf \"%T\" .) \"[]interface {}\""
        let members = "{{ $s := \(quoted(newline(level + 1))) }}{{ range $k, $v := . }}{{ $s }}{{ printf \"%q\" $k }}: {{ template \"\(next)\" $v }}"
            + "{{ $s = \(quoted(comma + newline(level + 1))) }}{{ end }}"
        return "{{ if eq (printf \"%T\" .) \"string\" }}{{ printf \"%q\" . }}"
            + "{{ else if and (\(isMap)) (gt (len .) 0) }}{{ \"{\" }}\(members){{ \(quoted(newline(level) + "}")) }}"
            + "{{ else if and (\(isList)) (gt (len .) 0) }}\(list(".", level: level, item: "{{ template \"\(next)\" . }}"))"
            + "{{ else }}{{ json . }}{{ end }}"
    }

    /// An `api.ToolProperty` (dot) at `level`, its members in Ollama's field order.
    private func property(level: Int) -> String {
        let value = valueName(level + 1)
        let type = "{{ if eq (len .Type) 1 }}{{ printf \"%q\" (index .Type 0) }}{{ else }}"
            + list(".Type", level: level + 1, item: "{{ printf \"%q\" . }}") + "{{ end }}"
        return object(level: level, [
            ("anyOf", ".AnyOf", "{{ json .AnyOf }}"),
            ("type", ".Type", type),
            ("items", ".Items", "{{ template \"\(value)\" .Items }}"),
            ("description", ".Description", "{{ printf \"%q\" .Description }}"),
            ("enum", ".Enum", list(".Enum", level: level + 1, item: "{{ template \"\(valueName(level + 2))\" . }}")),
            ("properties", ".Properties", "{{ json .Properties }}"),
            ("required", ".Required", list(".Required", level: level + 1, item: "{{ printf \"%q\" . }}")),
        ])
    }

    /// A tool's parameters (dot), at level 2: type, properties, required.
    private var parameters: String {
        let properties = "{{ if .Properties }}{{ \"{\" }}{{ $p := \(quoted(newline(4))) }}"
            + "{{ range $k, $v := .Properties }}{{ $p }}{{ printf \"%q\" $k }}: {{ template \"\(propertyName)\" $v }}"
            + "{{ $p = \(quoted(comma + newline(4))) }}{{ end }}{{ \(quoted(newline(3) + "}")) }}{{ else }}{}{{ end }}"
        return object(level: 2, [
            ("type", nil, "{{ printf \"%q\" .Type }}"),
            ("properties", nil, properties),
            ("required", ".Required", list(".Required", level: 3, item: "{{ printf \"%q\" . }}")),
        ])
    }

    /// A `template.templateTool` (dot): type, then function{name, description, parameters}.
    private var tool: String {
        let function = object(level: 1, [
            ("name", nil, "{{ printf \"%q\" .Function.Name }}"),
            ("description", ".Function.Description", "{{ printf \"%q\" .Function.Description }}"),
            ("parameters", nil, "{{ template \"\(parametersDefine)\" .Function.Parameters }}"),
        ])
        return object(level: 0, [("type", nil, "{{ printf \"%q\" .Type }}"), ("function", nil, function)])
    }
}
