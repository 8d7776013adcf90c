"""The LMDM: streaming diffusion transformer, caches, sampler, codecs, data, training, eval.

Never imports bridge/, threads, sockets or audio I/O (see docs/architecture.md).
"""
