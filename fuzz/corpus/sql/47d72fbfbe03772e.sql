SELECT id, m['k1'], m['answer'], m['nope'] FROM types
