// Prints, for every Ollama parameter and every test value, what Ollama's create path does with
// `PARAMETER <name> <value>`: parse by the field's Go type (strconv, as api.FormatParams does),
// then encode the value as JSON (as the create request is sent). The Swift test
// ParameterVerdictTests reads the output; regenerate with tools/regen-parameter-verdicts.sh.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

// The field types of Ollama's api.Options and api.Runner, by JSON tag.
var kinds = []struct{ name, kind string }{
	{"num_keep", "int"}, {"seed", "int"}, {"num_predict", "int"}, {"top_k", "int"},
	{"top_p", "float"}, {"min_p", "float"}, {"typical_p", "float"}, {"repeat_last_n", "int"},
	{"temperature", "float"}, {"repeat_penalty", "float"}, {"presence_penalty", "float"},
	{"frequency_penalty", "float"}, {"stop", "list"}, {"num_ctx", "int"}, {"num_batch", "int"},
	{"num_gpu", "int"}, {"main_gpu", "int"}, {"use_mmap", "bool"}, {"num_thread", "int"},
	{"draft_num_predict", "int"},
}

// Valid, boundary and invalid texts; each is tried for every parameter.
var values = []string{
	"0", "1", "-1", "-2", "-3", "4", "0.5", "1.5", "-0", "+7", "0x10", "0x1p-2", "1_000", "1__0", "_1",
	"1e3", "1e400", "1e-50", "3.4028235e38", "3.4028236e38", "inf", "+Inf", "-infinity", "nan", "NaN",
	"", " 1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1000000",
	"true", "T", "False", "yes", ".5", "5.", "1e", "abc",
}

type verdict struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// "ok" with the JSON Ollama stores, or "error" with Go's message.
	Verdict string `json:"verdict"`
	JSON    string `json:"json,omitempty"`
	Error   string `json:"error,omitempty"`
}

func main() {
	var out []verdict
	for _, k := range kinds {
		for _, v := range values {
			var val any
			var err error
			switch k.kind {
			case "int":
				val, err = strconv.ParseInt(v, 10, 64)
			case "float":
				var f float64
				f, err = strconv.ParseFloat(v, 32)
				val = float32(f)
			case "bool":
				val, err = strconv.ParseBool(v)
			case "list":
				val = []string{v}
			}
			r := verdict{Name: k.name, Value: v}
			if err == nil {
				var b []byte
				b, err = json.Marshal(val)
				r.JSON = string(b)
			}
			if err != nil {
				r.Verdict, r.Error, r.JSON = "error", err.Error(), ""
			} else {
				r.Verdict = "ok"
			}
			out = append(out, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
