"""Reading the input: article collections (files, folders, stdin, HTML), the JSON Lines records of
`quotes extract`, and the selection of the articles a run takes (shards, checkpoint)."""
