SELECT j.b.c, count(*) FROM (SELECT from_json(js, 'a DOUBLE, b STRUCT<c: STRING>') AS j FROM types WHERE id <> 3) GROUP BY 1
