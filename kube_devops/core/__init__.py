"""Pure core: policy model, image references, checks, scoring, verdicts and plans.

Nothing here performs I/O or imports kubernetes, aiohttp or prometheus_client.
"""
