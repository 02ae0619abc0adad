SELECT id, to_json(st) FROM types WHERE id IN (1, 2, 4)
