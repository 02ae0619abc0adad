SELECT id, size(arr), size(m) FROM types WHERE arr IS NOT NULL
