"""Filing: answers and attachments bound into one dossier, stored once.

The store and the clock are handed in; the blobs stream to disk within their limits.
"""
