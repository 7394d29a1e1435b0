"""Pure text analysis: parsing, segmentation and artifact detection.

Nothing in this package imports Django; every function maps text to spans with
half-open code-point offsets into the raw text it was given.
"""
