"""Demonstration data: ``school`` loads a small demo school through the same
commands the API uses; ``synthetic`` writes years of history at the scale of a
school, a trust or a local authority, for demos and the benchmarks."""
