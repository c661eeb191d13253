// Package template re-creates, for the reference renderer, how Ollama turns a TEMPLATE and a
// request into a prompt: its Parse (Vars, appended {{ .Response }}), collate, the suffix,
// messages and legacy modes with the cut after .Response, and the server's message assembly.
// The package is named template so Go prints its types as Ollama's (template.templateMessage).
package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	"mfc/tools/gotmpl/api"
)

// Fixed dates keep the corpus reproducible; the Swift side injects the same ones.
const Today, Yesterday = "2024-06-15", "2024-06-14"

var funcs = template.FuncMap{
	"json": func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	},
	"currentDate":   func(args ...string) string { return Today },
	"yesterdayDate": func(args ...string) string { return Yesterday },
	"toTypeScriptType": func(v any) string {
		if p, ok := v.(api.ToolProperty); ok {
			return p.ToTypeScriptType()
		}
		if p, ok := v.(*api.ToolProperty); ok && p != nil {
			return p.ToTypeScriptType()
		}
		return "any"
	},
}

type prompt struct {
	tmpl *template.Template
	vars []string
}

func identifiers(n parse.Node) ([]string, error) {
	switch n := n.(type) {
	case *parse.ListNode:
		var names []string
		for _, c := range n.Nodes {
			i, err := identifiers(c)
			if err != nil {
				return names, err
			}
			names = append(names, i...)
		}
		return names, nil
	case *parse.TemplateNode:
		if n.Pipe == nil {
			return nil, errors.New("undefined template specified")
		}
		return identifiers(n.Pipe)
	case *parse.ActionNode:
		return identifiers(n.Pipe)
	case *parse.IfNode:
		return branchIdentifiers(&n.BranchNode)
	case *parse.RangeNode:
		return branchIdentifiers(&n.BranchNode)
	case *parse.WithNode:
		return branchIdentifiers(&n.BranchNode)
	case *parse.PipeNode:
		var names []string
		for _, c := range n.Cmds {
			for _, a := range c.Args {
				i, err := identifiers(a)
				if err != nil {
					return names, err
				}
				names = append(names, i...)
			}
		}
		return names, nil
	case *parse.FieldNode:
		return n.Ident, nil
	case *parse.VariableNode:
		return n.Ident, nil
	}
	return nil, nil
}

func branchIdentifiers(b *parse.BranchNode) ([]string, error) {
	names, err := identifiers(b.Pipe)
	if err != nil {
		return names, err
	}
	for _, l := range []*parse.ListNode{b.List, b.ElseList} {
		if l != nil {
			i, err := identifiers(l)
			if err != nil {
				return names, err
			}
			names = append(names, i...)
		}
	}
	return names, nil
}

func parsePrompt(text string) (*prompt, error) {
	t, err := template.New("").Option("missingkey=zero").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, tt := range t.Templates() {
		for _, n := range tt.Root.Nodes {
			ids, err := identifiers(n)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				set[strings.ToLower(id)] = true
			}
		}
	}
	var vars []string
	for v := range set {
		vars = append(vars, v)
	}
	sort.Strings(vars)
	if !set["messages"] && !set["response"] {
		t.Tree.Root.Nodes = append(t.Tree.Root.Nodes, &parse.ActionNode{
			NodeType: parse.NodeAction,
			Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Cmds: []*parse.CommandNode{{
				NodeType: parse.NodeCommand,
				Args:     []parse.Node{&parse.FieldNode{NodeType: parse.NodeField, Ident: []string{"Response"}}},
			}}},
		})
	}
	return &prompt{tmpl: t, vars: vars}, nil
}

type values struct {
	messages   []api.Message
	tools      []api.Tool
	prompt     string
	suffix     string
	think      bool
	thinkLevel string
	isThinkSet bool
}

func collate(msgs []api.Message) (string, []*api.Message) {
	var system []string
	var collated []*api.Message
	for i := range msgs {
		if msgs[i].Role == "system" {
			system = append(system, msgs[i].Content)
		}
		if len(collated) > 0 && collated[len(collated)-1].Role == msgs[i].Role && msgs[i].Role != "tool" {
			collated[len(collated)-1].Content += "\n\n" + msgs[i].Content
		} else {
			collated = append(collated, &msgs[i])
		}
	}
	return strings.Join(system, "\n\n"), collated
}

func (p *prompt) execute(v values) (string, error) {
	system, msgs := collate(v.messages)
	var b bytes.Buffer
	if v.prompt != "" && v.suffix != "" {
		err := p.tmpl.Execute(&b, map[string]any{
			"Prompt": v.prompt, "Suffix": v.suffix, "Response": "",
			"Think": v.think, "ThinkLevel": v.thinkLevel, "IsThinkSet": v.isThinkSet,
		})
		return b.String(), err
	}
	if contains(p.vars, "messages") {
		err := p.tmpl.Execute(&b, map[string]any{
			"System": system, "Messages": convertMessages(msgs), "Tools": convertTools(v.tools), "Response": "",
			"Think": v.think, "ThinkLevel": v.thinkLevel, "IsThinkSet": v.isThinkSet,
		})
		return b.String(), err
	}
	system = ""
	var prompt, response string
	turn := func(t *template.Template) error {
		err := t.Execute(&b, map[string]any{
			"System": system, "Prompt": prompt, "Response": response,
			"Think": v.think, "ThinkLevel": v.thinkLevel, "IsThinkSet": v.isThinkSet,
		})
		system, prompt, response = "", "", ""
		return err
	}
	for _, m := range msgs {
		switch m.Role {
		case "system":
			if prompt != "" || response != "" {
				if err := turn(p.tmpl); err != nil {
					return b.String(), err
				}
			}
			system = m.Content
		case "user":
			if response != "" {
				if err := turn(p.tmpl); err != nil {
					return b.String(), err
				}
			}
			prompt = m.Content
		case "assistant":
			response = m.Content
		}
	}
	root, err := cutAfterResponse(p.tmpl.Root.Copy())
	if err != nil {
		return b.String(), err
	}
	t := template.Must(template.New("").AddParseTree("", &parse.Tree{Root: root.(*parse.ListNode)}))
	err = turn(t)
	return b.String(), err
}

// cutAfterResponse keeps the first .Response field and deletes every node visited after it,
// as Ollama's deleteNode does; where Ollama panics (an else branch after the cut) it errors.
func cutAfterResponse(n parse.Node) (node parse.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			// Ollama panics here; mfc reports this error instead (same words on both sides).
			err = errors.New("template: the template's .Response is inside a branch that has an else; " +
				"Ollama cannot truncate it (it panics: interface conversion: parse.Node is nil, not *parse.ListNode)")
		}
	}()
	cut := false
	var walk func(parse.Node) parse.Node
	walk = func(n parse.Node) parse.Node {
		if f, ok := n.(*parse.FieldNode); ok && contains(f.Ident, "Response") {
			cut = true
			return n
		}
		if cut {
			return nil
		}
		switch t := n.(type) {
		case *parse.ListNode:
			var nodes []parse.Node
			for _, c := range t.Nodes {
				if k := walk(c); k != nil {
					nodes = append(nodes, k)
				}
			}
			t.Nodes = nodes
		case *parse.IfNode:
			t.BranchNode = *walk(&t.BranchNode).(*parse.BranchNode)
		case *parse.WithNode:
			t.BranchNode = *walk(&t.BranchNode).(*parse.BranchNode)
		case *parse.RangeNode:
			t.BranchNode = *walk(&t.BranchNode).(*parse.BranchNode)
		case *parse.BranchNode:
			t.List = walk(t.List).(*parse.ListNode)
			if t.ElseList != nil {
				t.ElseList = walk(t.ElseList).(*parse.ListNode)
			}
		case *parse.ActionNode:
			k := walk(t.Pipe)
			if k == nil {
				return nil
			}
			t.Pipe = k.(*parse.PipeNode)
		case *parse.PipeNode:
			var cmds []*parse.CommandNode
			for _, c := range t.Cmds {
				var args []parse.Node
				for _, a := range c.Args {
					if k := walk(a); k != nil {
						args = append(args, k)
					}
				}
				if len(args) == 0 {
					return nil
				}
				c.Args = args
				cmds = append(cmds, c)
			}
			if len(cmds) == 0 {
				return nil
			}
			t.Cmds = cmds
		}
		return n
	}
	return walk(n), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
