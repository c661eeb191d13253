#!/bin/sh
# Rebuilds Tests/RuntimeTests/Data/{tokens-*,greedy-*,teacher-forcing-*}.json from llama.cpp.
# llama.cpp is built OUTSIDE the repository (set LLAMA_REF_DIR to its source folder)
# from the llama.cpp vendored in the llama-cpp-python sdist, as the runtime issue's yardstick:
#   pip install scikit-build-core cmake ninja
#   pip download --no-deps --no-build-isolation --no-binary llama-cpp-python llama-cpp-python
#   tar xzf llama_cpp_python-*.tar.gz; ln -s llama_cpp_python-*/vendor/llama.cpp src; rm -f src/.git
#   cmake -S src -B src/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DGGML_NATIVE=ON
#   ninja -C src/build llama-tokenize llama-simple llama-cli llama-bench llama-quantize llama-perplexity
# (src/.git points at a missing submodule dir and makes ninja re-run cmake forever: remove it.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ref=${LLAMA_REF_DIR:?set LLAMA_REF_DIR to a llama.cpp source folder with a build}
. "$(dirname "$0")/../lib/folders.sh"
models=$(mfc_test_models_dir)
src=$ref/src
g++ -O2 -std=c++17 -I"$src/include" -I"$src/ggml/include" "$here/llama-ref.cpp" \
    -L"$src/build/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$src/build/bin" -o "$ref/llama-ref"
python3 "$here/make-tokenizer-reference.py" "$ref/llama-ref" "$models"
python3 "$here/make-generation-reference.py" "$ref/llama-ref" "$models"
