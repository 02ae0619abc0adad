SELECT from_json(js, 'a DOUBLE, arr ARRAY<INT>').arr, from_json(js, 'a DOUBLE').a FROM types WHERE id <> 3
