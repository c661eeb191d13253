#!/usr/bin/env python3
"""Writes the template conformance corpus (cases only; Go's answers come from tools/gotmpl).

Run tools/regen-template-corpus.sh rather than this script directly. The corpus mixes
  * probes: every probe template crossed with every sample value, in both modes;
  * hand-written cases for syntax, control flow, functions, printf and errors;
  * chat-shaped templates in the style of common model families over conversations.
"""
import json, sys

cases = []
def add(name, template, data=None, mode="ollama"):
    c = {"name": name, "template": template, "mode": mode}
    if data is not None:
        c["data"] = data
    cases.append(c)

# ---- probes: value x operation ------------------------------------------------
values = {
    "null": None, "true": True, "false": False, "zero": 0, "one": 1, "neg": -3,
    "half": 1.5, "big": 1e6, "huge": 1e21, "tiny": 1e-7, "frac": 0.1, "int6": 123456,
    "empty": "", "word": "abc", "html": "<a href='x'>&\"</a>", "uni": "héllo ☃\n\t",
    "list0": [], "list": [1, "two", None, True], "strs": ["b", "a", "c"],
    "map0": {}, "map": {"b": 2, "a": 1, "c": {"d": [1, 2]}}, "nested": [{"Role": "user", "Content": "hi"}],
    "numstr": "42", "float2": 2.0,
}
probes = {
    "print": "{{.v}}",
    "if": "{{if .v}}T{{else}}F{{end}}",
    "with": "{{with .v}}[{{.}}]{{else}}none{{end}}",
    "not": "{{not .v}}",
    "and": "{{and .v \"x\"}}|{{and \"x\" .v}}",
    "or": "{{or .v \"x\"}}|{{or 0 .v}}",
    "len": "{{len .v}}",
    "index0": "{{index .v 0}}",
    "indexkey": "{{index .v \"a\"}}",
    "slice1": "{{slice .v 1}}",
    "slice02": "{{slice .v 0 2}}",
    "range": "{{range $i, $e := .v}}{{$i}}={{$e}};{{else}}empty{{end}}",
    "rangedot": "{{range .v}}<{{.}}>{{end}}",
    "eq1": "{{eq .v 1}}",
    "eqf": "{{eq .v 1.5}}",
    "eqs": "{{eq .v \"abc\"}}",
    "eqself": "{{eq .v .v}}",
    "ne": "{{ne .v 0}}",
    "lt": "{{lt .v 2}}",
    "ltf": "{{lt .v 2.5}}",
    "ge": "{{ge .v \"b\"}}",
    "printfv": "{{printf \"%v\" .v}}",
    "printfd": "{{printf \"%d\" .v}}",
    "printfs": "{{printf \"%s\" .v}}",
    "printfq": "{{printf \"%q\" .v}}",
    "printfx": "{{printf \"%x\" .v}}",
    "printft": "{{printf \"%T\" .v}}",
    "printfplusv": "{{printf \"%+v|%5v|%-5v|\" .v .v .v}}",
    "printff": "{{printf \"%.2f|%e|%g\" .v .v .v}}",
    "print": "{{print .v 1 \"s\" .v}}",
    "println": "{{println .v .v}}",
    "html": "{{html .v}}",
    "js": "{{js .v}}",
    "urlquery": "{{urlquery .v}}",
    "field": "{{.v.a}}",
    "fieldchain": "{{.v.a.b}}",
    "json": "{{json .v}}",
    "pipe": "{{.v | print}}|{{.v | printf \"%v-%v\" 1}}",
    "var": "{{$x := .v}}{{$x}}{{$x = 5}}{{$x}}",
    "call": "{{call .v}}",
    "missing": "{{.v}}{{.nope}}{{.nope.deeper}}",
    "tts": "{{toTypeScriptType .v}}",
}
for mode in ("ollama", "plain"):
    for pname, tmpl in probes.items():
        if mode == "plain" and pname in ("json", "tts"):
            tmpl = tmpl  # undefined function: a parse error in plain mode, kept on purpose
        for vname, v in values.items():
            add(f"probe/{mode}/{pname}/{vname}", tmpl, {"v": v}, mode)

# ---- text, trimming, comments -------------------------------------------------
texts = [
    "", "plain text", "a {{- \" b \" -}} c", "a  {{- 1}}  b", "a {{1 -}}\n\n b", "a\n{{- /* c */ -}}\nb",
    "{{/* comment */}}x", "x{{- /* c */}} y", "x {{/* c */ -}} y", "{{- 3 -}}", "{{-3}}", "{{- -3 -}}",
    "a\t\r\n{{- 1 -}}\t\r\nb", "{{ \"a\" }}{{ `b\\n` }}", "{{\"\\u00e9\\x41\\101\\n\\t\"}}", "{{'a'}} {{'\\n'}} {{'☃'}}",
    "line1\nline2\n{{.}}", "{{/* a\nmulti-line\ncomment */}}z", "{{-/* c */}}", "{{- /* c */}}end",
    "{{ /* c */ }}", "{{/* c */ -}}", "{{.x -}} y", "{{.x-}}", "{{1}}{{2}}", "}}{{1}}{{",
]
for i, t in enumerate(texts):
    add(f"text/{i}", t, {"x": "X"})

# ---- literals -----------------------------------------------------------------
# Left out on purpose: ranging over an integer, which Go 1.19 (the reference here) rejects but
# Go 1.22+ (Ollama's builds) accepts.
lits = ["0", "42", "-7", "+7", "0x1F", "0X1f", "0o17", "017", "0b101", "1_000", "0x_1F", "1.5", "-0.5", ".5", "1e3", "1E-3",
        "0x1p4", "1_0.2_5", "'a'", "'\\x41'", "'\\u263A'", "true", "false", "\"s\"", "`raw\\n`", "nil", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "18446744073709551616", "1e400", "0x", "1__0", "0b2", "08", "1.2.3", "1a", "-", "+",
        "0.0", "-0", "1e6", "123456789.0", "1e21", "1e-5", "100000000000000000000.0", "3.14159265358979", "0x10.8p0", "'ab'", "''"]
for i, l in enumerate(lits):
    add(f"literal/{i}", "{{" + l + "}}")
    add(f"literal-printf/{i}", "{{printf \"%v %T\" " + l + " " + l + "}}")


# ---- Go layer: %b of floats, imaginary and complex constants, slicing strings by bytes ---------
gofmt = [
    "{{printf \"%b\" 1.0}}", "{{printf \"%b\" .f}}", "{{printf \"%b|%b|%b\" .z .neg .tiny}}", "{{printf \"%b\" 0.1}}",
    "{{printf \"%b\" 5e-324}}", "{{printf \"%b\" 1e308}}", "{{printf \"%+b|% b|%20b|%-22b|\" 1.5 1.5 1.5 1.5}}",
    "{{printf \"%.3b|%#b\" 2.0 2.0}}", "{{printf \"%b\" -0.0}}", "{{printf \"%b %b\" .one 7}}",
    "{{3i}}", "{{0i}}", "{{-2.5i}}", "{{1+2i}}", "{{1-2i}}", "{{-1.5+0.5i}}", "{{1e3+1e-3i}}", "{{1+0i}}", "{{0x10i}}", "{{1_0i}}",
    "{{printf \"%T\" 3i}}", "{{printf \"%v|%.2f|%e|%g|%8.1f|%+v\" 1+2i 1+2i 1+2i 1+2i 1+2i 1+2i}}",
    "{{printf \"%d\" 1i}}", "{{printf \"%x|%b\" 1+2i 1i}}", "{{print 1i 2i \"s\" 3i}}", "{{println 1i}}",
    "{{if 0i}}T{{else}}F{{end}}", "{{if 1i}}T{{else}}F{{end}}", "{{not 0i}}", "{{and 1i 0}}|{{or 0i 2i}}",
    "{{eq 1i 1i}}", "{{eq 1i 2i}}", "{{eq 1i 1}}", "{{ne 1+2i 1+2i}}", "{{lt 1i 2i}}", "{{eq 1+0i 1.0}}",
    "{{len 1i}}", "{{index .l 1i}}", "{{index .l 1+0i}}", "{{slice .l 1i}}", "{{json 1i}}|", "{{json .l}}{{json 2i}}",
    "{{html 1i}}|{{js 2i}}|{{urlquery 3i}}", "{{$x := 2i}}{{$x}}{{printf \"%v\" $x}}", "{{3i | printf \"%v!\"}}",
    "{{1+2}}", "{{1+2j}}", "{{1+}}", "{{1+i}}", "{{0x1p2+1i}}", "{{1e+2i}}", "{{1e+2+1i}}", "{{1+1e+2i}}", "{{.s.x 1i}}",
    "{{slice \"héllo\" 0 2}}", "{{slice \"héllo\" 2}}", "{{slice \"héllo\" 1 2}}|{{len (slice \"héllo\" 1 2)}}",
    "{{print (slice \"héllo\" 0 2) (slice \"héllo\" 2)}}", "{{printf \"%s%s\" (slice \"é\" 0 1) (slice \"é\" 1)}}",
    "{{eq (print (slice \"é\" 0 1) (slice \"é\" 1)) \"é\"}}", "{{printf \"%q|%x|%X|% x\" (slice .u 0 1) (slice .u 0 1) (slice .u 1 3) (slice .u 0 3)}}",
    "{{len (slice .u 0 1)}}|{{index (slice .u 0 3) 2}}", "{{json (slice .u 0 1)}}|{{json (slice .u 0 3)}}", "{{slice .u 1 3}}",
    "{{printf \"%q\" (slice \"☃\" 0 2)}}|{{printf \"%+q\" (slice \"☃\" 1)}}", "{{printf \"%#q\" (slice \"é\" 0 1)}}",
    "{{$a := slice .u 0 1}}{{$b := slice .u 1}}{{$a}}{{$b}}|{{print $a $b}}", "{{range $i, $c := slice .u 0 2}}{{$i}}{{end}}",
    "{{printf \"%5s|%-5s|%.1s|\" (slice .u 0 1) (slice .u 0 1) (slice .u 0 2)}}", "{{html (slice .u 0 1)}}|{{urlquery (slice .u 0 1)}}",
    "{{slice \"abc\" 1 2}}", "{{slice \"ab☃\" 2 5}}", "{{slice \"ab☃\" 3 4}}",
]
for i, t in enumerate(gofmt):
    add(f"golayer/{i}", t, {"f": 3.25, "z": 0, "neg": -2.5, "tiny": 1e-310, "one": 1, "l": [10, 20, 30], "u": "é☃x", "s": {"x": 1}})

# ---- variables and scope ------------------------------------------------------
vars_ = [
    "{{$x := 1}}{{$x}}", "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}",
    "{{$}}", "{{$.a}}", "{{$x}}", "{{$x = 1}}", "{{with $x := .a}}{{$x}}{{end}}{{$x}}", "{{$x := .a}}{{$x.b}}",
    "{{range $i, $v := .l}}{{$i}}{{$v}}{{end}}{{$i}}", "{{range $v := .l}}{{$v}}{{end}}", "{{range $i, $v, $w := .l}}{{end}}",
    "{{$a, $b := .l}}", "{{range $i, 3 := .l}}{{end}}", "{{$x := 1}}{{$x := 2}}{{$x}}", "{{$x := .a}}{{with .l}}{{$x.b}}{{$.a.b}}{{end}}",
    "{{$_ := 1}}{{$_}}", "{{$x1 := 3}}{{$x1}}", "{{$ := 1}}", "{{$x :=}}", "{{$x := 1 2}}", "{{$x := print 1 2}}{{$x}}",
    "{{define \"t\"}}{{$}}{{end}}{{template \"t\" .a}}", "{{$x := 1}}{{define \"t\"}}{{$x}}{{end}}",
    "{{range .l}}{{$y := .}}{{end}}{{$y}}", "{{$x := 0}}{{range .l}}{{$x = .}}{{end}}{{$x}}", "{{$x:=1}}{{$x}}", "{{$x :=1}}{{$x}}",
]
vdata = {"a": {"b": "B"}, "l": [1, 2, 3]}
for i, t in enumerate(vars_):
    add(f"vars/{i}", t, vdata)

# ---- control flow -------------------------------------------------------------
ctl = [
    "{{if .t}}A{{end}}", "{{if .f}}A{{else}}B{{end}}", "{{if .f}}A{{else if .t}}B{{else}}C{{end}}", "{{if .f}}A{{else if .f}}B{{else}}C{{end}}",
    "{{if .f}}A{{else if .f}}B{{else if .t}}C{{end}}", "{{if .t}}{{if .f}}x{{else}}y{{end}}{{end}}", "{{with .m}}{{.k}}{{end}}",
    "{{with .none}}x{{else}}y{{end}}", "{{range .l}}{{.}}{{end}}", "{{range .m}}{{.}}{{end}}",
    "{{range $k, $v := .m}}{{$k}}:{{$v}},{{end}}", "{{range .none}}x{{else}}empty{{end}}", "{{range .e}}x{{else}}empty{{end}}",
    "{{range .l}}{{if eq . 2.0}}{{break}}{{end}}{{.}}{{end}}", "{{range .l}}{{if eq . 2.0}}{{continue}}{{end}}{{.}}{{end}}",
    "{{break}}", "{{continue}}", "{{if true}}{{break}}{{end}}", "{{range .l}}{{break 1}}{{end}}", "{{range .l}}{{with .}}{{break}}{{end}}{{.}}{{end}}",
    "{{range .ll}}[{{range .}}{{.}}{{end}}]{{end}}", "{{range $i, $e := .ll}}{{range $j, $f := $e}}{{$i}}{{$j}}{{$f}} {{end}}{{end}}",
    "{{if}}{{end}}", "{{if .t}}", "{{if .t}}{{else}}{{else}}{{end}}", "{{end}}", "{{else}}", "{{if .t}}{{end}}{{end}}",
    "{{range .l}}{{else if .t}}{{end}}", "{{with .t}}{{else if .t}}{{end}}", "{{if .t}}a{{else}}b", "{{if .t}}a{{else if}}b{{end}}",
    "{{range .s}}{{.}}{{end}}", "{{range .n}}{{.}}{{end}}", "{{range $x := .m}}{{$x}}{{end}}",
    "{{if .t}}{{$x := 1}}{{end}}{{$x}}", "{{if .t -}}  A  {{- else -}} B {{- end}}", "{{with $x := .m}}{{$x.k}}{{.k}}{{end}}",
    "{{if and .t .f}}A{{else}}B{{end}}", "{{if or .f .t}}A{{end}}", "{{if not .f}}A{{end}}", "{{if .m.k}}K{{end}}",
    "{{range .l}}{{$}}{{end}}", "{{range $i, $_ := .l}}{{$i}}{{end}}", "{{if eq (len .l) 3}}three{{end}}",
    "{{range $i, $m := .msgs}}{{if eq $i 0}}first {{end}}{{$m.Role}}{{end}}", "{{range .l}}{{continue}}{{end}}done",
]
cdata = {"t": True, "f": False, "m": {"k": "v", "a": 1}, "l": [1, 2, 3], "e": [], "ll": [[1, 2], [3]], "s": "str", "n": 3,
         "msgs": [{"Role": "user"}, {"Role": "assistant"}]}
for i, t in enumerate(ctl):
    add(f"control/{i}", t, cdata)
    add(f"control-plain/{i}", t, cdata, "plain")

# ---- define / template / block -------------------------------------------------
tpl = [
    "{{define \"a\"}}A{{.}}{{end}}{{template \"a\" 1}}", "{{define \"a\"}}A{{.}}{{end}}{{template \"a\"}}", "{{template \"nope\"}}",
    "{{template \"nope\" .}}", "{{block \"b\" .x}}[{{.}}]{{end}}", "{{define \"b\"}}B{{end}}{{block \"b\" .}}[{{.}}]{{end}}",
    "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "{{define \"a\"}}{{end}}{{define \"a\"}}y{{end}}{{template \"a\"}}",
    "{{define `r`}}raw{{end}}{{template `r`}}", "{{define \"a\"}}{{template \"b\" .}}{{end}}{{define \"b\"}}B{{.x}}{{end}}{{template \"a\" .}}",
    "{{define a}}{{end}}", "{{define \"a\" 1}}{{end}}", "{{define \"a\"}}", "{{template a}}", "{{template \"a\" 1 | print}}",
    "{{define \"a\"}}{{.}}{{end}}{{template \"a\" .x | printf \"%s!\"}}", "{{define \"rec\"}}{{if .}}{{index . 0}}{{template \"rec\" slice . 1}}{{end}}{{end}}{{template \"rec\" .l}}",
    "{{define \"a\"}}{{$}}{{end}}{{template \"a\" \"s\"}}", "{{define \"x\"}}{{else}}{{end}}", "  {{define \"a\"}}A{{end}}  ", "{{define \"\"}}root{{end}}",
    "{{block \"b\"}}{{end}}", "{{block \"b\" .}}{{.x}}", "{{define \"a\"}}{{.y}}{{end}}{{template \"a\" .}}",
]
for i, t in enumerate(tpl):
    add(f"define/{i}", t, {"x": "X", "l": ["p", "q", "r"]})

# ---- functions ----------------------------------------------------------------
funcs = [
    "{{and 1 0 2}}", "{{and 1 2 3}}", "{{or 0 \"\" 3}}", "{{or 0 \"\"}}", "{{and}}", "{{or}}", "{{not}}", "{{not 1 2}}",
    "{{and .t (index .l 9)}}", "{{or .t (index .l 9)}}", "{{and .f (index .l 9)}}", "{{len}}", "{{len 3}}", "{{len \"héllo\"}}",
    "{{index .l 1}}", "{{index .l -1}}", "{{index .l 3}}", "{{index .l 1.0}}", "{{index .l \"1\"}}", "{{index .m \"k\"}}", "{{index .m \"zz\"}}",
    "{{index .m 1}}", "{{index .s 1}}", "{{index .ll 1 0}}", "{{index .l}}", "{{index nil 1}}", "{{index .none 1}}", "{{index 3 1}}",
    "{{slice .s 1 3}}", "{{slice .s 1 2 3}}", "{{slice .l 1 2 3}}", "{{slice .l 2 1}}", "{{slice .l 0 9}}", "{{slice .l}}", "{{slice 3}}",
    "{{slice .s}}", "{{slice .l 1 2 3 4}}", "{{slice .m 1}}", "{{slice .s 2}}", "{{slice .s 4}}", "{{slice .l .n}}",
    "{{index .l .n}}", "{{printf \"%T %v %#v %d\" (index .s 1) (index .s 1) (index .s 1) (index .s 1)}}", "{{index (slice .s 1) 1 \"k\"}}",
    "{{eq (index .s 0) 104}}", "{{lt (index .s 0) 200}}", "{{lt -1 (index .s 0)}}", "{{slice .l (index \"\\x01\" 0)}}", "{{slice .l .none}}", "{{index .l .none}}", "{{$n := .n}}{{slice .l $n}}",
    "{{print}}", "{{print 1 2}}", "{{print \"a\" \"b\"}}", "{{print 1 \"a\" 2}}", "{{print nil}}", "{{print .none}}", "{{println}}", "{{println 1 \"a\"}}",
    "{{printf}}", "{{printf 1}}", "{{printf \"%d %s\" 1}}", "{{printf \"%d\" 1 2}}", "{{printf \"%d\" \"s\"}}", "{{printf \"%z\" 1}}",
    "{{printf \"%5.1f|%-8.3e|%08.3f|%+d|% d|%x|%X|%o|%b|%c|%U\" 3.14159 1234.5 -3.5 5 5 255 255 8 5 65 9731}}",
    "{{printf \"%q|%#q|%x|% x|%X\" \"hi\\\"\" \"back`tick\" \"hi\" \"hi\" \"hi\"}}", "{{printf \"%t|%v|%t\" true false 1}}", "{{printf \"%%|%5s|%-5s|%.2s\" \"ab\" \"ab\" \"abc\"}}",
    "{{printf \"%v|%+v|%#v\" .m .m .m}}", "{{printf \"%v|%d|%s\" .l .l .l}}", "{{printf \"%6.2f|%g|%G|%e|%E\" 1e10 1e-10 1e21 0.0 123.456}}",
    "{{printf \"%[2]d %[1]d\" 1 2}}", "{{printf \"%*d|%-*d|\" 5 1 4 2}}", "{{printf \"%.*f\" 2 3.14159}}", "{{printf \"%d\" 1.5}}", "{{printf \"%s\" 1}}",
    "{{printf \"%v %v\" nil .none}}", "{{printf \"%x\" 3.5}}", "{{printf \"%q\" 65}}", "{{printf \"%c|%q\" 'x' 'y'}}", "{{printf \"%08.3f|%-08d|%+.1e\" 3.14159 42 12345.678}}",
    "{{printf \"%3c|%-4q|%#x|%#o|%x\" 65 \"a\" 255 8 -255}}", "{{printf \"%.0f %.0f %.0f %.0f\" 0.5 1.5 2.5 -0.5}}", "{{printf \"%.3g|%.10g|%g|%g\" 1234.5678 1.0 100000.0 1000000.0}}",
    "{{printf \"%v|%.1f\" 1e100 1e100}}", "{{printf \"%5t|%-6v|\" true false}}", "{{printf \"%d %d\" .t .m}}", "{{printf \"%s\" .l}}", "{{printf \"%6.2v|\" 3.14159}}",
    "{{eq 1 1}}", "{{eq 1 2 1}}", "{{eq 1}}", "{{eq 1 \"1\"}}", "{{eq 1 1.0}}", "{{eq \"a\" \"a\" \"b\"}}", "{{eq .l .l}}", "{{eq .m .m}}", "{{eq nil nil}}", "{{eq .none nil}}",
    "{{eq .none .none}}", "{{eq .none 1}}", "{{eq true true}}", "{{ne 1 2}}", "{{ne \"a\" 1}}", "{{lt 1 2}}", "{{lt 2.5 1.5}}", "{{lt \"a\" \"b\"}}", "{{lt true false}}",
    "{{lt 1 1.5}}", "{{lt .none 1}}", "{{le 2 2}}", "{{gt 3 2}}", "{{ge 1 2}}", "{{gt \"b\" \"a\"}}", "{{le 1 \"a\"}}", "{{lt .l .l}}", "{{eq 'a' 97}}",
    "{{html \"<b>&'\\\"\\x00\"}}", "{{html 1 \"<\" 2}}", "{{js \"a'b\\\"c<>&=\\\\\\n\\u2028é\"}}", "{{urlquery \"a b&c=d/é?\"}}", "{{urlquery 1 2}}", "{{html}}",
    "{{call}}", "{{call nil}}", "{{call 1}}", "{{call .none}}", "{{json .m}}", "{{json}}", "{{json 1 2}}", "{{json \"<&>\"}}", "{{json .l}}", "{{json 1e21}}",
    "{{json 1.0}}", "{{json 0.000001}}", "{{json 0.0000001}}", "{{json -0.0}}", "{{json 1e20}}", "{{json 123456789}}", "{{json .none}}", "{{json \"\\u2028\\t\\x01é\"}}",
    "{{currentDate}}", "{{yesterdayDate}}", "{{currentDate \"x\"}}", "{{currentDate 1}}", "{{toTypeScriptType}}", "{{toTypeScriptType .m}}",
    "{{print (len .l) (index .l 0)}}", "{{(index .ll 0) | len}}", "{{.l | len}}", "{{.l | index 1}}", "{{1 | printf \"%d-%d\" 2}}", "{{\"x\" | print \"y\"}}",
    "{{nil | print}}", "{{.m | .k}}", "{{1 | 2}}", "{{print 1 | .t}}", "{{(1)}}", "{{(.m).k}}", "{{(.m).k.z}}", "{{(index .ll 0).x}}", "{{(nil).x}}",
    "{{\"a\".x}}", "{{1.x}}", "{{true.x}}", "{{..x}}", "{{.m.k.x}}", "{{print (.t)}}", "{{len (print \"abc\")}}", "{{not (eq 1 2)}}", "{{.t 1}}",
    "{{.m.k 1}}", "{{1 2}}", "{{\"s\" 2}}", "{{. 2}}", "{{nil}}", "{{nil 1}}", "{{$ 1}}", "{{(1) 2}}", "{{true | not}}",
    "{{print 1 | print 2 | print 3}}", "{{print | len}}", "{{len \"\" | not}}", "{{index .m \"a\" | printf \"%v\"}}", "{{or .none \"def\"}}", "{{and .m.k .m.a}}",
    "{{print 1.0 2.50 1e2}}", "{{print \"a\" 1 2 \"b\" \"c\" 3.5 true nil}}", "{{println \"a\" 1 nil}}", "{{print .l .m}}", "{{print .t .f}}",
]
fdata = {"t": True, "f": False, "m": {"k": "v", "a": 1}, "l": [1, 2, 3], "ll": [[1, 2], [3]], "s": "héllo", "n": 3}
for i, t in enumerate(funcs):
    add(f"funcs/{i}", t, fdata)
    add(f"funcs-plain/{i}", t, fdata, "plain")

# ---- syntax errors (and near misses) -----------------------------------------
errs = [
    "{{", "{{.", "{{ .Prompt", "{{ if .Prompt }}", "{{ Prompt }}", "{{ .Prompt }", "{{ .Prompt }}}}", "a\nb\n{{ .x", "{{.x\n.y}}", "{{\"abc}}", "{{`abc}}",
    "{{'a}}", "{{/* x }}", "{{/* x */ x}}", "{{(1}}", "{{1)}}", "{{((1)}}", "{{$x := }}", "{{$x :}}", "{{:}}", "{{#}}", "{{@x}}", "{{.x@}}", "{{$x@}}",
    "{{x@}}", "{{print \"a\"\"b\"}}", "{{1.2.3}}", "{{print 1x}}", "{{print ☃}}", "{{.x.☃}}", "{{|}}", "{{print |}}", "{{| print}}", "{{print 1 | }}",
    "{{1 | print}}", "{{print 1 | 2}}", "{{print 1 | \"a\"}}", "{{print 1 | nil}}", "{{print 1 | .}}", "{{print 1 | true}}", "{{print 1 | $}}", "{{print 1 | .x}}",
    "{{if 1}}{{end x}}", "{{else x}}", "{{if 1}}{{else x}}{{end}}", "{{range}}{{end}}", "{{with}}{{end}}", "{{template}}", "{{template 1}}", "{{define}}{{end}}",
    "{{define \"a\"}}x", "{{block}}{{end}}", "{{$x := 1}}{{$y}}", "{{.x | $y}}", "{{nil.x}}", "{{\"\\q\"}}", "{{'\\q'}}", "{{\"\\400\"}}", "{{'\\400'}}",
    "a\n\n{{if .x}}\nb\n{{end}}\n{{end}}", "a\n{{if .x}}\n\n", "x\n{{.y\n\n\n", "{{ .x }}\n\n{{ bad }}", "\n\n{{ (1 \n 2", "{{1 -}}}}", "{{-1}}", "{{- 1-}}",
    "{{print -}}", "{{ -}}", "{{- }}", "{{ - }}", "{{.x.}}", "{{.x..y}}", "{{$.}}", "{{$x.}}", "{{.x . }}", "{{ . . }}", "{{,}}", "{{print ,}}",
    "{{$x, $y := 1}}", "{{range $x, $y, $z := 1}}{{end}}", "{{with $x, $y := 1}}{{end}}", "{{if $x := 1}}{{$x}}{{end}}{{$x}}",
    "{{$x = 1}}", "{{$ = 1}}", "{{define \"a\"}}{{end}}{{define \"a\"}}{{1}}{{end}}{{template \"a\"}}", "{{0x}}", "{{1e}}", "{{0b}}", "{{0xg}}", "{{1_}}",
    "{{.x\t}}", "{{\r.x}}", "{{.x}}{{.y", "{{if .x}}{{else if .y}}", "{{range .x}}{{end}}{{break}}", "{{continue}}", "{{range .x}}{{continue x}}{{end}}",
    "{{true | not 1}}", "{{' '}}", "{{'\\''}}", "{{\"\\\"\"}}", "{{`a\nb`}}", "{{\"a\nb\"}}", "{{/**/}}", "{{/*}}", "{{/* */}}", "{{- /* */ -}}", "{{-/* */-}}",
]
for i, t in enumerate(errs):
    add(f"syntax/{i}", t, {"x": [1], "y": True})

# ---- chat templates in the style of common families --------------------------
chat = {
 "chatml": "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
 "llama3": "{{- if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}{{- range $i, $m := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 }}{{- if eq .Role \"user\" }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ end }}{{- else if eq .Role \"assistant\" }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Content }}{{ if not $last }}<|eot_id|>{{ end }}{{- end }}{{- end }}",
 "gemma": "{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 }}{{- if or (eq .Role \"user\") (eq .Role \"system\") }}<start_of_turn>user\n{{ .Content }}<end_of_turn>\n{{ if $last }}<start_of_turn>model\n{{ end }}{{- else if eq .Role \"assistant\" }}<start_of_turn>model\n{{ .Content }}{{ if not $last }}<end_of_turn>\n{{ end }}{{- end }}{{- end }}",
 "mistral": "{{- range $i, $_ := .Messages }}{{- if eq .Role \"user\" }}[INST] {{ if and $.System (eq (len (slice $.Messages $i)) 1) }}{{ $.System }}\n\n{{ end }}{{ .Content }}[/INST]{{ else if eq .Role \"assistant\" }} {{ .Content }}</s>{{ end }}{{- end }}",
 "phi3": "{{- range .Messages }}<|{{ .Role }}|>\n{{ .Content }}<|end|>\n{{ end }}<|assistant|>\n",
 "llama2": "{{- range $i, $m := .Messages }}{{- if eq .Role \"user\" }}[INST] {{ if and (eq $i 1) $.System }}<<SYS>>\n{{ $.System }}\n<</SYS>>\n\n{{ end }}{{ .Content }} [/INST]{{ else if eq .Role \"assistant\" }} {{ .Content }} </s><s>{{ end }}{{ end }}",
 "zephyr": "{{- range .Messages }}<|{{ .Role }}|>\n{{ .Content }}</s>\n{{ end }}<|assistant|>\n",
 "alpaca": "{{ if .System }}{{ .System }}\n\n{{ end }}{{ range .Messages }}{{ if eq .Role \"user\" }}### Instruction:\n{{ .Content }}\n\n{{ else if eq .Role \"assistant\" }}### Response:\n{{ .Content }}\n\n{{ end }}{{ end }}### Response:\n",
 "vicuna": "{{ if .System }}{{ .System }}\n\n{{ end }}{{ range .Messages }}{{ if eq .Role \"user\" }}USER: {{ .Content }}\n{{ else if eq .Role \"assistant\" }}ASSISTANT: {{ .Content }}</s>\n{{ end }}{{ end }}ASSISTANT:",
 "granite": "{{- range .Messages }}{{ if eq .Role \"system\" }}System:\n{{ else if eq .Role \"user\" }}Question:\n{{ else }}Answer:\n{{ end }}{{ .Content }}\n\n{{ end }}Answer:\n",
 "commandr": "{{- if .System }}<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>{{ .System }}<|END_OF_TURN_TOKEN|>{{ end }}{{ range .Messages }}{{ if eq .Role \"user\" }}<|START_OF_TURN_TOKEN|><|USER_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>{{ else if eq .Role \"assistant\" }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>{{ end }}{{ end }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>",
 "tools": "{{- if .Tools }}<tools>{{ range .Tools }}{{ json .Function }}\n{{ end }}</tools>\n{{ end }}{{- range $i, $m := .Messages }}{{ if eq .Role \"assistant\" }}{{ if .ToolCalls }}<tool_call>{{ range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\", \"arguments\": {{ json .Function.Arguments }}}{{ end }}</tool_call>{{ else }}{{ .Content }}{{ end }}{{ else if eq .Role \"tool\" }}<tool_response>{{ .Content }}</tool_response>{{ else }}{{ .Role }}: {{ .Content }}{{ end }}\n{{ end }}",
 "thinking": "{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 -}}<|{{ .Role }}|>{{ if and .Thinking $.Think }}<think>{{ .Thinking }}</think>{{ end }}{{ .Content }}{{ if $last }}{{ if $.Think }}<think>{{ end }}{{ end }}\n{{ end }}",
 "legacy": "{{ if .System }}<|system|>{{ .System }}</s>{{ end }}{{ if .Prompt }}<|user|>{{ .Prompt }}</s>{{ end }}<|assistant|>{{ .Response }}</s>",
}
def m(role, content, **kw):
    d = {"Role": role, "Content": content}
    d.update(kw)
    return d
convs = {
    "user": {"Messages": [m("user", "Hello!")]},
    "system-user": {"System": "Be brief.", "Messages": [m("system", "Be brief."), m("user", "Hello!")]},
    "user-assistant-user": {"Messages": [m("user", "Hi"), m("assistant", "Hello, how can I help?"), m("user", "Tell me a joke <b>& more</b>")]},
    "system-user-assistant-user": {"System": "You are Mario.", "Messages": [m("system", "You are Mario."), m("user", "Hi"), m("assistant", "It's-a me!"), m("user", "Jump")]},
    "prefill": {"Messages": [m("user", "Count"), m("assistant", "1, 2,")]},
    "tools": {"Tools": [{"Type": "function", "Function": {"Name": "get_weather", "Description": "Weather <now>", "Parameters": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}}],
              "Messages": [m("user", "Weather in Paris?"), m("assistant", "", ToolCalls=[{"Function": {"Name": "get_weather", "Arguments": {"unit": "c", "city": "Paris"}}}]), m("tool", "21C"), m("user", "Thanks")]},
    "thinking": {"Think": True, "Messages": [m("user", "2+2?"), m("assistant", "4", Thinking="add"), m("user", "3+3?")]},
    "empty": {"Messages": []},
    "legacy": {"System": "S", "Prompt": "P", "Response": ""},
    "unicode": {"Messages": [m("user", "héllo ☃ \u2028 \"quoted\" \\ back")]},
}
for fam, t in chat.items():
    for cname, data in convs.items():
        add(f"chat/{fam}/{cname}", t, data)

json.dump(cases, sys.stdout, indent=0, ensure_ascii=False)
sys.stdout.write("\n")
