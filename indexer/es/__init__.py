"""The Elasticsearch side: client, indices, checkpoint, bulk sending and loading (see `indexer.store`
for the public API in one place)."""
