SELECT to_json(arr), to_json(named_struct('a', 1, 'b', 'x')) FROM types WHERE id IN (1, 4, 6)
