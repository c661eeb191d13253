#!/usr/bin/env bash
# Regenerates what Go (Ollama's parsing) says about every parameter value the verdict test tries.
# Needs Debian's golang-go (apt-get install -y golang-go). Commit the output file.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd tools/paramverdicts && go run .) > Tests/Fixtures/parameter-verdicts.json
