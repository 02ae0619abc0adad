SELECT from_json(js, 'a DOUBLE, b STRUCT<c: STRING>') FROM types WHERE id <> 3
