"""The import pipeline: files and folders in, items out, a report of every file.

The pipeline, for each file found:

1. *skip cheaply*: a file whose path, size and modification time match the last
   import is not read again;
2. *stage* (worker): copy the bytes into blobs/.tmp while hashing them, fsync;
3. *dedup* (main): bytes already in the archive add only a provenance record;
4. *extract* (worker): the importer chosen by content reads the staged copy;
5. *commit* (main, the one writer): the staged copy is renamed to its content
   address, then the item, its pages and provenance are inserted, a batch per
   transaction;
6. *index* (worker): a few batches at a time, the new items are written as a
   segment of the index by a worker (index/writing.py); the writer commits the
   segment into the index, then marks its items indexed. The writer holds the
   index's lock for the whole import.

A *container* — an X account archive (zip, or its unpacked folder, which the scan
takes as one unit) or a twarc2 file — holds many items. Its importer
(`extract_many`) returns posts and the pictures it copied to the staging area;
each picture then goes through dedup and extraction like a file, and once all
are done the container is committed in one transaction (posts/containers.py).

A failure of one file is recorded with its reason and the import goes on. A
cancel stops within a fraction of a second: workers are terminated, what was
extracted is committed, nothing half-written is visible.

The rooms, in the order a file meets them:

- scan.py        the files under the paths given (`scan`, `Candidate`)
- reading.py     the files sent to the workers and their results into the batch
- worker.py      what runs in a worker: stage, extract, store the original
- pool.py        the worker processes; a task lost with a dead worker is retried alone
- batch.py       what one transaction commits; a full disk as one `DiskFull`
- index_feed.py  the new items into the search index as segments
- hooks.py       `AfterImport`: what other parts do with each batch (annotate, suggest)
- report.py      `ImportOptions` in, `ImportReport` of `Outcome`s out
- pipeline.py    `import_paths`, which ties them

This package knows nothing above it: core/importing.py gives it its subscribers.
Importing the package itself loads none of its modules.
"""
