"""Web helpers every app may use: rate limits, security headers, the admin's building blocks.

The bottom layer: it imports no app of Kollega's.
"""
