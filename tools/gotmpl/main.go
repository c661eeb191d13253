// gotmpl is the reference renderer for mfc's template engine: it runs Go's own
// text/template over a corpus of cases and records what Go printed or the error
// it reported. The Swift conformance test replays the same cases and must agree.
//
// Usage: go run ./tools/gotmpl CASES.json > EXPECTED.json
//
// A case is {"name", "template", "data", "mode"}. "data" is decoded the way
// encoding/json decodes into interface{} (every number a float64). "mode" is
// "ollama" (missingkey=zero plus Ollama's extra functions, with the date fixed
// so output is reproducible) or "plain" (Go's defaults, builtins only).
// Modes "ollama-chat" and "ollama-generate" instead render a request body
// ("request") for a model ("model": template, system, messages) the way
// Ollama's server and template package do, with Ollama's typed records.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"text/template"

	ollama "mfc/tools/gotmpl/ollama"
)

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data,omitempty"`
	Mode     string          `json:"mode,omitempty"`
	Model    *ollama.Model   `json:"model,omitempty"`
	Request  json.RawMessage `json:"request,omitempty"`
}

type result struct {
	Name   string  `json:"name"`
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
	// Phase is "parse" or "exec" for errors.
	Phase string `json:"phase,omitempty"`
}

// fixedDate stands in for time.Now so the corpus is reproducible; the Swift side injects the same date.
const fixedToday, fixedYesterday = ollama.Today, ollama.Yesterday

func ollamaFuncs() template.FuncMap {
	return template.FuncMap{
		"json": func(v any) string {
			b, _ := json.Marshal(v)
			return string(b)
		},
		"currentDate":   func(args ...string) string { return fixedToday },
		"yesterdayDate": func(args ...string) string { return fixedYesterday },
		// Data in the corpus is untyped JSON, never an api.ToolProperty, so Ollama answers "any".
		"toTypeScriptType": func(v any) string { return "any" },
	}
}

func renderRequest(c testCase) result {
	r := result{Name: c.Name}
	var out string
	var err error
	if c.Mode == "ollama-chat" {
		out, err = ollama.Chat(*c.Model, c.Request)
	} else {
		out, err = ollama.Generate(*c.Model, c.Request)
	}
	if err != nil {
		msg := err.Error()
		r.Error, r.Phase = &msg, "exec"
		return r
	}
	r.Output = &out
	return r
}

func render(c testCase) result {
	if c.Mode == "ollama-chat" || c.Mode == "ollama-generate" {
		return renderRequest(c)
	}
	r := result{Name: c.Name}
	var data any
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			fail(fmt.Errorf("case %s: bad data: %w", c.Name, err))
		}
	}
	t := template.New("")
	if c.Mode == "ollama" {
		t = t.Option("missingkey=zero").Funcs(ollamaFuncs())
	}
	t, err := t.Parse(c.Template)
	if err != nil {
		msg := err.Error()
		r.Error, r.Phase = &msg, "parse"
		return r
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		// Keep what Go wrote before failing: the Swift engine must stop at the same byte.
		msg, partial := err.Error(), out.String()
		r.Error, r.Phase, r.Output = &msg, "exec", &partial
		return r
	}
	s := out.String()
	r.Output = &s
	return r
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gotmpl:", err)
	os.Exit(1)
}

// bench renders the first case of a corpus file n times and reports the time per render,
// the Go side of BENCHMARKS.md's template figures.
func bench(n int, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	var cases []testCase
	if err := json.Unmarshal(raw, &cases); err != nil || len(cases) == 0 {
		fail(fmt.Errorf("%s: need a list with at least one case", path))
	}
	var r result
	// CPU time of the whole process (GC included), as mfc measures its side.
	start := cpuSeconds()
	for i := 0; i < n; i++ {
		r = render(cases[0])
	}
	elapsed := cpuSeconds() - start
	if r.Error != nil {
		fail(fmt.Errorf("%s", *r.Error))
	}
	fmt.Fprintf(os.Stderr, "rendered %d times: %.1f µs CPU per render\n", n, elapsed*1e6/float64(n))
	fmt.Print(*r.Output)
}

func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Sec+u.Stime.Sec) + float64(u.Utime.Usec+u.Stime.Usec)/1e6
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-bench" {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 1 {
			fail(fmt.Errorf("usage: gotmpl -bench N CASES.json"))
		}
		bench(n, os.Args[3])
		return
	}
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: gotmpl CASES.json | gotmpl -bench N CASES.json"))
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var cases []testCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		fail(err)
	}
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		results = append(results, render(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(results); err != nil {
		fail(err)
	}
}
