SELECT id, size(arr), size(m) FROM types WHERE id = 5
