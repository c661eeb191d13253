package template

import (
	"encoding/json"
	"fmt"
	"strings"

	"mfc/tools/gotmpl/api"
)

// Model is what a built model contributes: TEMPLATE, SYSTEM and MESSAGEs.
type Model struct {
	Template string        `json:"template"`
	System   string        `json:"system"`
	Messages []api.Message `json:"messages"`
}

// Chat renders an /api/chat body as Ollama's server does (without context truncation).
func Chat(m Model, body []byte) (string, error) {
	var req api.ChatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return "", err
	}
	p, err := parsePrompt(m.Template)
	if err != nil {
		return "", err
	}
	if len(req.Messages) == 0 {
		return "", nil
	}
	msgs := append(append([]api.Message{}, m.Messages...), req.Messages...)
	if req.Messages[0].Role != "system" && m.System != "" {
		msgs = append([]api.Message{{Role: "system", Content: m.System}}, msgs...)
	}
	// imageTaggedMessages
	n := 0
	for i := range msgs {
		prefix, content := "", msgs[i].Content
		for range msgs[i].Images {
			tag := fmt.Sprintf("[img-%d]", n)
			n++
			if !strings.Contains(content, "[img]") {
				prefix += tag
			} else {
				content = strings.Replace(content, "[img]", tag, 1)
			}
		}
		msgs[i].Content = prefix + content
	}
	return p.execute(values{messages: msgs, tools: req.Tools, think: req.Think.Bool(), thinkLevel: req.Think.String(),
		isThinkSet: req.Think != nil})
}

// Generate renders an /api/generate body as Ollama's server does.
func Generate(m Model, body []byte) (string, error) {
	var req api.GenerateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return "", err
	}
	if req.Raw || req.Prompt == "" {
		return req.Prompt, nil
	}
	p, err := parsePrompt(m.Template)
	if err != nil {
		return "", err
	}
	v := values{think: req.Think.Bool(), thinkLevel: req.Think.String(), isThinkSet: req.Think != nil}
	if req.Suffix != "" {
		v.prompt, v.suffix = req.Prompt, req.Suffix
	} else {
		var msgs []api.Message
		if req.System != "" {
			msgs = append(msgs, api.Message{Role: "system", Content: req.System})
		} else if m.System != "" {
			msgs = append(msgs, api.Message{Role: "system", Content: m.System})
		}
		msgs = append(msgs, m.Messages...)
		msgs = append(msgs, api.Message{Role: "user", Content: req.Prompt, Images: req.Images})
		v.messages = msgs
	}
	return p.execute(v)
}
