#!/usr/bin/env python3
"""Per-op shares of mfc's forward pass from `perf script -F tid,time,ip,sym` output (with call chains) on stdin.

Each sample is named by its innermost frame (the kernel entry points are separate symbols); matrix products
are further split by their call site in `forwardBatch` (the return address of the `multiply` call), listed in
code order, so each matrix role of a layer and the LM head get their own line. Samples outside the forward
pass (loading, repacking) are counted apart.
"""
import collections
import sys

OPS = [  # (substring of the innermost symbol, op name); the first match wins
    ('multiplyBytes', 'matrix product (4-row byte kernel)'), ('multiplyNibbles', 'matrix product (nibble kernel)'),
    ('multiplyInt8', 'matrix product (one-row int8 kernel)'), ('dotFloat', 'matrix product (float kernel)'),
    ('attend', 'attention'), ('transposeKeys', 'attention'), ('prepare', 'activation quantization'),
    ('rmsNorm', 'RMS norm'), ('geluGLU', 'GELU'), ('swiGLU', 'SwiGLU'), ('RoPE', 'RoPE'), ('ropeTable', 'RoPE'),
    ('roundToHalves', 'KV cache store'), ('tanh', 'softcap'),
]


def samples(lines):
    current = None
    for line in lines:
        if not line.strip():
            if current:
                yield current
            current = None
        elif not line.startswith('\t'):
            current = []
        elif current is not None:
            address, _, symbol = line.strip().partition(' ')
            current.append((address, symbol))
    if current:
        yield current


def main():
    counts, outside = collections.Counter(), 0
    for frames in samples(sys.stdin):
        symbols = [s for _, s in frames]
        if not any('forwardBatch' in s for s in symbols):
            outside += 1
            continue
        top = symbols[0]
        op = next((name for key, name in OPS if key in top), 'other: ' + top[:50])
        if op.startswith('matrix'):
            site = next((a for a, s in frames if 'forwardBatch' in s), '?')
            op = (op, int(site, 16) if site != '?' else 0)
        counts[op] += 1
    total = sum(counts.values())
    sites = sorted({op[1] for op in counts if isinstance(op, tuple)})
    for op, n in counts.most_common():
        if isinstance(op, tuple):
            op = f'{op[0]}, call site {sites.index(op[1]) + 1} of {len(sites)}'
        if n / total >= 0.002:
            print(f'{100 * n / total:5.1f}%  {op}')
    print(f'{total} samples in the forward pass, {outside} outside it')


main()
