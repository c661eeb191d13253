// Reference data from llama.cpp for mfc's tests. Built against a llama.cpp build OUTSIDE the repo
// (see make-reference-data.sh); never part of mfc itself.
//
//   llama-ref tokenize MODEL FILE PARSE_SPECIAL(0|1)   ids of FILE's bytes, add_special as the model asks
//   llama-ref greedy   MODEL FILE N                    greedy continuation of FILE's text (parse_special=1):
//                                                      one line per step "id top1 top2" (raw logits)
//   llama-ref argmax   MODEL FILE                      FILE holds ids (whitespace separated); prints the
//                                                      argmax after each position and its top-2 gap
//   llama-ref dump     MODEL FILE DIR                  like argmax, and writes every named graph tensor
//                                                      (attn_norm-0, Qcur-0, ..., result_output) as raw
//                                                      f32 to DIR/NAME.bin, one line "NAME ne0 ne1 ne2" each
// LLAMA_REF_LORA="PATH[:SCALE][,PATH[:SCALE]...]" applies GGUF LoRA adapters (scale 1 when left out)
// to greedy and argmax, in the order given.
#include "ggml.h"
#include "llama.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

static std::string read_file(const char * path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

static std::vector<llama_token> tokenize(const llama_vocab * vocab, const std::string & text, bool parse_special) {
    int n = -llama_tokenize(vocab, text.data(), (int32_t) text.size(), nullptr, 0, true, parse_special);
    std::vector<llama_token> ids(n);
    llama_tokenize(vocab, text.data(), (int32_t) text.size(), ids.data(), n, true, parse_special);
    return ids;
}

// best and second-best logits
static void top2(const float * logits, int n_vocab, int & best, float & l1, float & l2) {
    best = 0; l1 = -1e30f; l2 = -1e30f;
    for (int i = 0; i < n_vocab; i++) {
        if (logits[i] > l1) { l2 = l1; l1 = logits[i]; best = i; }
        else if (logits[i] > l2) { l2 = logits[i]; }
    }
}

// ggml graph callback for `dump`: copies each named, contiguous f32 tensor to DIR/NAME.bin.
static bool dump_tensor(struct ggml_tensor * t, bool ask, void * user_data) {
    if (ask) return t->name[0] != 0 && t->type == GGML_TYPE_F32;
    if (!ggml_is_contiguous(t)) return true;
    const std::string path = std::string((const char *) user_data) + "/" + t->name + ".bin";
    if (FILE * f = fopen(path.c_str(), "wb")) {
        fwrite(t->data, sizeof(float), (size_t) ggml_nelements(t), f);
        fclose(f);
        printf("%s %lld %lld %lld\n", t->name, (long long) t->ne[0], (long long) t->ne[1], (long long) t->ne[2]);
    }
    return true;
}

int main(int argc, char ** argv) {
    if (argc < 4) { fprintf(stderr, "usage: llama-ref tokenize|greedy|argmax MODEL FILE [ARG]\n"); return 2; }
    std::string mode = argv[1];
    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    llama_backend_init();
    llama_model_params mp = llama_model_default_params();
    mp.vocab_only = mode == "tokenize";
    llama_model * model = llama_model_load_from_file(argv[2], mp);
    if (!model) { fprintf(stderr, "cannot load %s\n", argv[2]); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const std::string text = read_file(argv[3]);

    if (mode == "tokenize") {
        for (llama_token t : tokenize(vocab, text, argc > 4 && atoi(argv[4]) != 0)) printf("%d ", t);
        printf("\n");
        return 0;
    }

    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 2048; cp.n_batch = 2048; cp.n_ubatch = 2048;
    cp.n_threads = 1; cp.n_threads_batch = 1;  // one thread: no spin-waiting on a shared machine
    if (mode == "dump" && argc > 4) { cp.cb_eval = dump_tensor; cp.cb_eval_user_data = argv[4]; }
    llama_context * ctx = llama_init_from_model(model, cp);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    if (const char * spec = getenv("LLAMA_REF_LORA")) {
        std::vector<llama_adapter_lora *> adapters;
        std::vector<float> scales;
        std::stringstream list(spec);
        for (std::string item; std::getline(list, item, ',');) {
            const size_t colon = item.rfind(':');
            const std::string path = colon == std::string::npos ? item : item.substr(0, colon);
            llama_adapter_lora * adapter = llama_adapter_lora_init(model, path.c_str());
            if (!adapter) { fprintf(stderr, "cannot load LoRA %s\n", path.c_str()); return 1; }
            adapters.push_back(adapter);
            scales.push_back(colon == std::string::npos ? 1.0f : strtof(item.c_str() + colon + 1, nullptr));
        }
        if (llama_set_adapters_lora(ctx, adapters.data(), adapters.size(), scales.data()) != 0) {
            fprintf(stderr, "cannot apply the LoRA adapters\n"); return 1;
        }
    }

    if (mode == "greedy") {
        std::vector<llama_token> ids = tokenize(vocab, text, true);
        const int n_predict = argc > 4 ? atoi(argv[4]) : 32;
        printf("prompt");
        for (llama_token t : ids) printf(" %d", t);
        printf("\n");
        llama_batch batch = llama_batch_get_one(ids.data(), (int32_t) ids.size());
        llama_token next;
        for (int step = 0; step < n_predict; step++) {
            if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
            int best; float l1, l2;
            top2(llama_get_logits_ith(ctx, -1), n_vocab, best, l1, l2);
            printf("%d %.6f %.6f\n", best, l1, l2);
            if (llama_vocab_is_eog(vocab, best)) break;
            next = best;
            batch = llama_batch_get_one(&next, 1);
        }
        return 0;
    }

    if (mode == "argmax" || mode == "dump") {
        std::vector<llama_token> ids;
        std::istringstream in(text);
        for (int t; in >> t;) ids.push_back(t);
        llama_batch batch = llama_batch_init((int32_t) ids.size(), 0, 1);
        for (size_t i = 0; i < ids.size(); i++) {
            batch.token[i] = ids[i]; batch.pos[i] = (llama_pos) i; batch.n_seq_id[i] = 1;
            batch.seq_id[i][0] = 0; batch.logits[i] = 1;
        }
        batch.n_tokens = (int32_t) ids.size();
        if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
        for (size_t i = 0; i < ids.size(); i++) {
            int best; float l1, l2;
            top2(llama_get_logits_ith(ctx, (int32_t) i), n_vocab, best, l1, l2);
            printf("%d %.6f %.6f\n", best, l1, l2);
        }
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
}
