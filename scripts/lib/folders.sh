# The default folders of the scripts, sourced by each of them. The same rules in Swift:
# Tests/Support/TestModels.swift (test models; a test checks both agree) and ModelStore.defaultRoot (store).
# Both honour $HOME, as Go's os.UserHomeDir and Ollama do, and use the password file's home only without it.

mfc_home_dir() {
    if [ -n "${HOME:-}" ]; then printf '%s\n' "$HOME"
    else getent passwd "$(id -u)" | cut -d: -f6; fi
}

# Where scripts/fetch-models.sh caches the test models: $MFC_TEST_MODELS, else $HOME/.cache/mfc-test-models.
mfc_test_models_dir() {
    if [ -n "${MFC_TEST_MODELS:-}" ]; then printf '%s\n' "$MFC_TEST_MODELS"
    else printf '%s\n' "$(mfc_home_dir)/.cache/mfc-test-models"; fi
}
