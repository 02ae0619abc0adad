SELECT from_json(js, 'a INTT') FROM types
