"""The Whoosh full-text index: schema, analysers, query language, searching.

The index is a cache of archive.sqlite: everything in it can be rebuilt from
the database. It sits behind `SearchIndex` so that another engine could take
its place (DESIGN.md §9).
"""
