"""Posts as data: social-media posts read from containers (X archives, twarc2 files).

- containers.py  a container's posts committed by the import, inside its batch
- threads.py  threads, and the links between replies, quotes and their targets
- evidence.py what the platform said and did to a post: withheld, versions, captures
              compared, deletions and account actions, accounts (issue 13)
- versions.py which version of an edited post each hit is
- timeline.py the platform's events on a timeline, by day and kind
- beside.py   media fetched after their posts, imported later beside the file
- recapture.py  captures of archives made before schema 9, read again

The records (what container importers return, a post's record, its blob) are in
core/model/; the rows in store/posts.py and store/evidence.py; the importers in
importers/x_archive.py and importers/twarc.py, with what they share: reading zips and
folders safely (importers/container_files.py), a post's text and fields as a person
reads them (importers/post_text.py), what posts say of their videos and sensitive
media (importers/post_media.py); the import pipeline that reads them in ingest/.
"""
