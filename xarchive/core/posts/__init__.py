"""Posts as data: social-media posts read from containers (X archives, twarc2 files).

- model.py    what container importers return, and a post's record (its blob)
- text.py     a post's text and fields as a person reads them
- sources.py  reading zips and folders safely (zip slip, zip bombs)
- threads.py  threads, and the links between replies, quotes and their targets
- evidence.py what the platform said and did to a post: withheld, versions, captures
              compared, deletions and account actions, accounts (issue 13)
- media.py    what posts say of their videos and animated GIFs, and sensitive media
- containers.py  a container's posts committed by the import, inside its batch

The rows are in store/posts.py and store/evidence.py; the importers in importers/x_archive.py and
importers/twarc.py; the import pipeline that reads them in ingest/.
"""
