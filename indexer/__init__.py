"""quotes-indexer: who said what in the news, extracted with spaCy and indexed in Elasticsearch."""

__version__ = "0.1.0"
