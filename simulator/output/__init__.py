"""Files: a chart's files, static image export (Kaleido), the handout bundle and the students' summary.

Imports every layer below it.
"""
