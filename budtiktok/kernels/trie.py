"""Walking the double-array trie (``tables.darts``) one code point at a time."""
from ._jit import inline_kernel


@inline_kernel
def trie_step(cells, node, cp):
    """Follow the UTF-8 bytes of code point ``cp`` from ``node``; -1 when there is no such path.

    ``cells`` rows are (base, check, value)."""
    if cp < 0x80:
        child = cells[node, 0] + cp
        return child if cells[child, 1] == node else -1
    if cp < 0x800:
        n_bytes = 2
        lead = 0xC0 | (cp >> 6)
    elif cp < 0x10000:
        n_bytes = 3
        lead = 0xE0 | (cp >> 12)
    else:
        n_bytes = 4
        lead = 0xF0 | (cp >> 18)
    child = cells[node, 0] + lead
    if cells[child, 1] != node:
        return -1
    node = child
    for k in range(n_bytes - 2, -1, -1):
        child = cells[node, 0] + (0x80 | ((cp >> (6 * k)) & 0x3F))
        if cells[child, 1] != node:
            return -1
        node = child
    return node
